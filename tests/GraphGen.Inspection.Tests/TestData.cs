using GraphGen.Data;
using GraphGen.Imaging;

namespace GraphGen.Inspection.Tests;

internal static class TestData
{
    public static float[] Uniform(int count, ulong seed, float low = -1f, float high = 1f)
    {
        var random = new SeededRandom(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = random.NextUniform(low, high);
        return values;
    }

    public static int[] Labels(int count, int classes, ulong seed)
    {
        var random = new SeededRandom(seed);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = random.NextInt(classes);
        return labels;
    }

    /// <summary>The digits, scaled to [0, 1] and split 70/15/15 with seed 0, as the examples do.</summary>
    public static DatasetSplits Digits() =>
        DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), 0.7, 0.15, 0);

    public static string TemporaryDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "graphgen-inspection-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The file is a PNG (signature) that decodes to an image of the expected size.</summary>
    public static Image AssertPng(string path, int? width = null, int? height = null)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan().StartsWith(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} does not start with the PNG signature");
        var image = PngDecoder.Decode(bytes);
        if (width is { } w) Assert.Equal(w, image.Width);
        if (height is { } h) Assert.Equal(h, image.Height);
        return image;
    }

    /// <summary>The text is well-formed SVG (parses as XML, root element svg in the SVG namespace).</summary>
    public static System.Xml.Linq.XDocument AssertSvg(string svg)
    {
        // Graphviz writes a DOCTYPE naming the SVG 1.1 DTD: skip it rather than fetch it.
        var settings = new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Ignore, XmlResolver = null };
        using var reader = System.Xml.XmlReader.Create(new StringReader(svg), settings);
        var document = System.Xml.Linq.XDocument.Load(reader);
        Assert.Equal("svg", document.Root!.Name.LocalName);
        Assert.Equal("http://www.w3.org/2000/svg", document.Root.Name.NamespaceName);
        return document;
    }
}
