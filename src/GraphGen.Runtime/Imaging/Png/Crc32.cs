namespace GraphGen.Imaging;

/// <summary>
/// CRC-32 as PNG, zlib and gzip use it (ISO 3309 / ITU-T V.42): polynomial 0x04C11DB7 in
/// reflected form 0xEDB88320, register preset to all ones and complemented at the end.
/// Table-driven, one byte at a time: PNG chunks here are small, so speed hardly matters.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC of <paramref name="data"/>; the check value of "123456789" is 0xCBF43926.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// The CRC of the bytes already summarised by <paramref name="crc"/> followed by
    /// <paramref name="data"/>, so a chunk's type and data can be fed separately.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        foreach (byte b in data)
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }

    /// <summary>Entry n is the remainder of n·x³² divided by the polynomial, bits reflected.</summary>
    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
