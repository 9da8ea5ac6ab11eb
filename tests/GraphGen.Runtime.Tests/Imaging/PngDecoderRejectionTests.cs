using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

/// <summary>Every malformed or unsupported PNG gives an InvalidDataException that says what is wrong.</summary>
public class PngDecoderRejectionTests
{
    // A 4×3 RGB image: each row is 1 filter byte + 12 pixel bytes.
    private static PngChunkEditor Valid() => new(PngEncoder.Encode(TestImages.Patterned(4, 3, PixelFormat.Rgb), PngFilter.Sub));

    private static byte[] WithHeaderByte(int index, byte value)
    {
        var png = Valid();
        byte[] header = png.Data("IHDR");
        header[index] = value;
        png.Replace("IHDR", header);
        return png.Assemble();
    }

    private static byte[] WithScanlines(byte[] raw)
    {
        var png = Valid();
        png.Replace("IDAT", PngChunkEditor.Deflate(raw));
        return png.Assemble();
    }

    private static byte[] Broken(string flaw)
    {
        byte[] valid = Valid().Assemble();
        var png = Valid();
        switch (flaw)
        {
            case "signature": valid[1] = (byte)'J'; return valid;
            case "crc": return png.Assemble(corruptCrcOf: "IDAT");
            case "header length": png.Replace("IHDR", png.Data("IHDR")[..12]); return png.Assemble();
            case "zero width": return WithHeaderByte(3, 0);
            case "bit depth": return WithHeaderByte(8, 16);
            case "palette": return WithHeaderByte(9, 3);
            case "interlace": return WithHeaderByte(12, 1);
            case "truncated": return valid[..(valid.Length / 2)];
            case "after end": return [.. valid, 0];
            case "no data": png.Chunks.RemoveAll(c => c.Type == "IDAT"); return png.Assemble();
            case "short data": return WithScanlines(new byte[2 * 13]);
            case "long data": return WithScanlines(new byte[3 * 13 + 1]);
            case "filter type": return WithScanlines([.. new byte[13], 5, .. new byte[12], .. new byte[13]]);
            case "not zlib": png.Replace("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF]); return png.Assemble();
            case "critical chunk": png.Chunks.Insert(1, ("PLTE", [0, 0, 0])); return png.Assemble();
            case "header not first": png.Chunks.Insert(0, ("tEXt", "a\0b"u8.ToArray())); return png.Assemble();
            case "length past end": valid[33 + 3] = 0xFF; return valid; // the IDAT length field
            default: throw new ArgumentException(flaw);
        }
    }

    [Theory]
    [InlineData("signature", "PNG signature")]
    [InlineData("crc", "Chunk IDAT at byte 33 has CRC")]
    [InlineData("header length", "IHDR has 12 bytes")]
    [InlineData("zero width", "size of 0×3")]
    [InlineData("bit depth", "Bit depth 16")]
    [InlineData("palette", "Colour type 3")]
    [InlineData("interlace", "Interlace method 1")]
    [InlineData("truncated", "ends at byte")]
    [InlineData("after end", "1 bytes follow the IEND chunk")]
    [InlineData("no data", "no IDAT")]
    [InlineData("short data", "ends in row 2 of 3")]
    [InlineData("long data", "more bytes than the header's size needs")]
    [InlineData("filter type", "Row 1 has filter type 5")]
    [InlineData("not zlib", "not a valid zlib stream")]
    [InlineData("critical chunk", "Critical chunk PLTE")]
    [InlineData("header not first", "first chunk must be IHDR, not tEXt")]
    [InlineData("length past end", "more than the file holds")]
    public void RejectsWithAMessageNamingTheFlaw(string flaw, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Broken(flaw)));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void TheUneditedFileDecodes() =>
        TestImages.AssertSamePixels(TestImages.Patterned(4, 3, PixelFormat.Rgb), PngDecoder.Decode(Valid().Assemble()));
}
