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

    [Theory]
    [MemberData(nameof(FormatsAndFilters))]
    public void EncoderWritesTheSameChunksAndScanlinesAsPython(PixelFormat format, PngFilter? filter)
    {
        var fixture = Expected.GetProperty(format.ToString());
        var image = TestImages.Patterned(fixture.GetProperty("width").GetInt32(), fixture.GetProperty("height").GetInt32(), format);
        byte[] png = PngEncoder.Encode(image, filter);

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
    [InlineData("mixed_filters_gray.png", PixelFormat.Gray, 7, 3)]
    [InlineData("mixed_filters_rgb.png", PixelFormat.Rgb, 5, 4)]
    [InlineData("mixed_filters_rgba.png", PixelFormat.Rgba, 3, 6)]
    public void DecoderReadsPythonsPngWithEveryFilterSplitIdatAndAnAncillaryChunk(string file, PixelFormat format, int width, int height)
    {
        var decoded = PngDecoder.Load(ImagingFixtures.File(file));
        TestImages.AssertSamePixels(TestImages.Patterned(width, height, format), decoded);
    }

    private static byte[] Inflate(byte[] zlibData)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(zlibData), CompressionMode.Decompress)) zlib.CopyTo(output);
        return output.ToArray();
    }
}
