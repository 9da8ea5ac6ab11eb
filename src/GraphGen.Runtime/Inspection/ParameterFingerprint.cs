using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace GraphGen.Inspection;

/// <summary>
/// A SHA-256 of the exact bits of a float array (little-endian IEEE 754), for checking that two
/// training runs ended with bitwise the same parameters: equal fingerprints mean equal bits, and
/// a difference in the last bit of one weight changes the whole hash.
/// </summary>
public static class ParameterFingerprint
{
    /// <summary>The hash as 64 lowercase hex digits.</summary>
    public static string Of(ReadOnlySpan<float> values)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (BitConverter.IsLittleEndian)
            SHA256.HashData(MemoryMarshal.AsBytes(values), hash);
        else
        {
            var bytes = new byte[values.Length * sizeof(float)];
            for (int i = 0; i < values.Length; i++)
                System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
            SHA256.HashData(bytes, hash);
        }
        return Convert.ToHexStringLower(hash);
    }
}
