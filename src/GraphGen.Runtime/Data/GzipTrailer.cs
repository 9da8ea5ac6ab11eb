using System.Buffers.Binary;
using GraphGen.Imaging;

namespace GraphGen.Data;

/// <summary>
/// The check that a gzip file was read to its end. Every gzip member ends with an 8-byte
/// trailer: the CRC-32 of its decompressed data and that data's length modulo 2³², both
/// little-endian (RFC 1952). The decompressor verifies a trailer it reaches, but a file cut
/// at a flush point simply runs out of input, and it returns the rows before the cut as if
/// they were the whole file. So the file's last 8 bytes must be the trailer of what was
/// decompressed.
/// </summary>
internal static class GzipTrailer
{
    private const int Size = 8;

    /// <summary>
    /// Throws unless <paramref name="compressed"/> ends with the trailer of the last member of
    /// <paramref name="decompressed"/>. The last member is the final ISIZE bytes (the whole
    /// data for a file of one member, a suffix for members written one after another as
    /// <c>cat a.gz b.gz</c> does), so its CRC-32 is checked over that suffix.
    /// </summary>
    public static void Check(string path, ReadOnlySpan<byte> compressed, ReadOnlySpan<byte> decompressed)
    {
        if (compressed.Length >= Size)
        {
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(compressed[^Size..]);
            uint lastMemberLength = BinaryPrimitives.ReadUInt32LittleEndian(compressed[^4..]);
            if (lastMemberLength <= (uint)decompressed.Length
                && Crc32.Compute(decompressed[^(int)lastMemberLength..]) == crc)
                return;
        }
        throw DataFile.Error(path, $"byte {compressed.Length}",
            $"the gzip data is truncated or damaged: the file does not end with the gzip trailer (CRC-32 and length) of the {decompressed.Length} bytes it decompresses to. "
            + "It was probably cut off by an interrupted download or copy; fetch or copy it again");
    }
}
