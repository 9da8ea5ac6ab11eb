using System.Buffers.Binary;

namespace GraphGen.Imaging;

/// <summary>The IHDR fields the decoder supports: size and pixel format (bit depth 8, no interlace).</summary>
internal sealed record PngHeader(int Width, int Height, PixelFormat Format)
{
    public static PngHeader Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length != PngFormat.HeaderLength)
            throw new InvalidDataException($"IHDR has {data.Length} bytes; it must have {PngFormat.HeaderLength}.");
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        // The specification caps both at 2^31 − 1; zero is invalid.
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            throw new InvalidDataException($"IHDR gives a size of {width}×{height}; both must be between 1 and 2^31 − 1.");
        if (data[8] != 8)
            throw new InvalidDataException($"Bit depth {data[8]} is not supported; only 8 bits per channel.");
        var format = PngFormat.FormatOf(data[9])
            ?? throw new InvalidDataException($"Colour type {data[9]} is not supported; only 0 (gray), 2 (RGB) and 6 (RGBA).");
        if (data[10] != 0 || data[11] != 0)
            throw new InvalidDataException($"Compression method {data[10]} and filter method {data[11]} must both be 0.");
        if (data[12] != 0)
            throw new InvalidDataException($"Interlace method {data[12]} is not supported; only 0 (none).");
        if ((long)width * height * (int)format > Array.MaxLength)
            throw new InvalidDataException($"A {width}×{height} {format} image is too large to hold in memory.");
        return new PngHeader((int)width, (int)height, format);
    }
}
