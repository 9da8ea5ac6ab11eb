using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

/// <summary>
/// The encoder and decoder against Fixtures/make_png_fixtures.py, a second PNG implementation
/// in Python written from the specification. Compressed bytes are not compared (they depend on
/// the zlib build); everything else is, byte for byte.
/// </summary>
public class PngFixtureTests
{
    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(ImagingFixtures.File("expected_scanlines.json"))).RootElement;

    /// <summary>Each pixel format with every fixed filter, and with null for the per-row heuristic.</summary>
    public static TheoryData<PixelFormat, PngFilter?> FormatsAndFilters()
    {
        var data = new TheoryData<PixelFormat, PngFilter?>();
        foreach (var format in Enum.GetValues<PixelFormat>())
        {
            data.Add(format, null);
            foreach (var filter in Enum.GetValues<PngFilter>()) data.Add(format, filter);
        }
        return data;
    }

    public static TheoryData<string, PngFilter?> FixtureImagesAndFilters()
    {
        var data = new TheoryData<string, PngFilter?>();
        foreach (var image in Expected.EnumerateObject())
        {
            data.Add(image.Name, null);
            foreach (var filter in Enum.GetValues<PngFilter>()) data.Add(image.Name, filter);
        }
        return data;
    }

    public static TheoryData<string> FixtureImages() => new(Expected.EnumerateObject().Select(p => p.Name));

    /// <summary>The image that fixture <paramref name="name"/> describes, painted with its pattern.</summary>
    private static Image ImageOf(string name)
    {
        var fixture = Expected.GetProperty(name);
        Func<int, int, int, byte> pattern = fixture.GetProperty("pattern").GetString() switch
        {
            "smooth" => TestImages.Pattern,
            "hashed" => TestImages.Hashed,
            var other => throw new InvalidDataException($"Unknown fixture pattern '{other}'."),
        };
        return TestImages.Painted(
            fixture.GetProperty("width").GetInt32(),
            fixture.GetProperty("height").GetInt32(),
            Enum.Parse<PixelFormat>(fixture.GetProperty("format").GetString()!),
            pattern);
    }

    [Fact]
    public void FixturesCoverEveryPixelFormat() =>
        Assert.Equal(Enum.GetValues<PixelFormat>().Order(), Expected.EnumerateObject().Select(p => ImageOf(p.Name).Format).Distinct().Order());

    [Theory]
    [MemberData(nameof(FixtureImagesAndFilters))]
    public void EncoderWritesTheSameChunksAndScanlinesAsPython(string name, PngFilter? filter)
    {
        var fixture = Expected.GetProperty(name);
        byte[] png = PngEncoder.Encode(ImageOf(name), filter);

        byte[] start = Convert.FromHexString(fixture.GetProperty("signatureAndHeader").GetString()!);
        byte[] end = Convert.FromHexString(fixture.GetProperty("end").GetString()!);
        Assert.Equal(start, png[..start.Length]);
        Assert.Equal(end, png[^end.Length..]);

        // Between them: exactly one IDAT chunk with a correct CRC.
        byte[] idat = png[start.Length..^end.Length];
        int length = (int)BinaryPrimitives.ReadUInt32BigEndian(idat);
        Assert.Equal(12 + length, idat.Length);
        Assert.Equal("IDAT"u8.ToArray(), idat[4..8]);
        Assert.Equal(Crc32.Compute(idat.AsSpan(4, 4 + length)), BinaryPrimitives.ReadUInt32BigEndian(idat.AsSpan(8 + length)));

        string expected = filter is { } f
            ? fixture.GetProperty("scanlines").GetProperty(f.ToString()).GetString()!
            : fixture.GetProperty("adaptive").GetString()!;
        Assert.Equal(expected, Convert.ToHexStringLower(Inflate(idat[8..^4])));
    }

    [Theory]
    [MemberData(nameof(FixtureImages))]
    public void DecoderReadsPythonsPngWithEveryFilterSplitIdatAndAnAncillaryChunk(string name) =>
        TestImages.AssertSamePixels(ImageOf(name), PngDecoder.Load(ImagingFixtures.File($"mixed_filters_{name}.png")));

    private static byte[] Inflate(byte[] zlibData)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(zlibData), CompressionMode.Decompress)) zlib.CopyTo(output);
        return output.ToArray();
    }
}
