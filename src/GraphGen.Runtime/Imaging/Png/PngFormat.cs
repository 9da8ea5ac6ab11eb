using System.Buffers.Binary;

namespace GraphGen.Imaging;

/// <summary>The fixed parts of the PNG file format that the encoder and decoder share.</summary>
internal static class PngFormat
{
    /// <summary>
    /// The eight bytes every PNG starts with: 0x89 (catches 7-bit transfers), "PNG", CR LF
    /// (catches line-ending conversion), 0x1A (stops DOS `type`), LF.
    /// </summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public const int HeaderLength = 13;

    /// <summary>The colour-type byte of IHDR: bit 1 means colour, bit 2 means alpha.</summary>
    public static byte ColorType(PixelFormat format) => format switch
    {
        PixelFormat.Gray => 0,
        PixelFormat.Rgb => 2,
        PixelFormat.Rgba => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format."),
    };

    public static PixelFormat? FormatOf(byte colorType) => colorType switch
    {
        0 => PixelFormat.Gray,
        2 => PixelFormat.Rgb,
        6 => PixelFormat.Rgba,
        _ => null,
    };

    /// <summary>
    /// Writes one chunk: data length (4 bytes, big-endian), type (4 ASCII letters), data, and
    /// the CRC-32 of type and data together.
    /// </summary>
    public static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        Span<byte> typeBytes = stackalloc byte[4];
        for (int i = 0; i < 4; i++) typeBytes[i] = (byte)type[i];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        stream.Write(word);
        stream.Write(typeBytes);
        stream.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Compute(typeBytes), data));
        stream.Write(word);
    }
}
