using System.Buffers.Binary;

namespace GraphGen;

/// <summary>Converts little-endian tensor bytes of any supported dtype to float.</summary>
internal static class TensorDecoding
{
    /// <summary>
    /// Decodes <c>destination.Length</c> elements from <paramref name="source"/>. F32 and the
    /// widening conversions (F16, BF16) are exact; F64 rounds to the nearest float.
    /// </summary>
    public static void Decode(SafetensorsDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        int size = dtype.ByteSize();
        if (source.Length != destination.Length * size)
            throw new ArgumentException($"{destination.Length} {dtype.HeaderName()} elements need {destination.Length * size} bytes, got {source.Length}.", nameof(source));
        switch (dtype)
        {
            case SafetensorsDType.F32:
                for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                break;
            case SafetensorsDType.F16:
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]);
                break;
            case SafetensorsDType.BF16:
                // bfloat16 is the upper half of a float32: shifting its bits up is exact.
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) << 16);
                break;
            case SafetensorsDType.F64:
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype");
        }
    }
}
