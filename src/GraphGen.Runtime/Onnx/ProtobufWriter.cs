using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace GraphGen.Onnx;

/// <summary>
/// The protobuf wire format, as much of it as an ONNX model needs: varints, 32-bit floats and
/// length-delimited fields (strings, bytes, nested messages). A field is its tag
/// (field number &lt;&lt; 3 | wire type, as a varint) followed by its value.
/// </summary>
/// <remarks>
/// Hand-written rather than Google.Protobuf: the runtime has no dependency but
/// System.Numerics.Tensors and stays NativeAOT-clean, and writing the handful of messages of
/// onnx.proto takes about 250 lines (this file and OnnxModelWriter). A nested message is written into its own writer
/// first, because its length precedes it on the wire.
/// </remarks>
internal sealed class ProtobufWriter
{
    private const int VarintType = 0, Fixed32Type = 5, LengthDelimitedType = 2;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>An int64, int32 or enum field (a negative value takes ten bytes, as protobuf sign-extends it).</summary>
    public void Int64(int field, long value)
    {
        Tag(field, VarintType);
        Varint(unchecked((ulong)value));
    }

    /// <summary>A repeated int64 field written unpacked (proto2's default), one tag per value.</summary>
    public void Int64s(int field, ReadOnlySpan<long> values)
    {
        foreach (long value in values) Int64(field, value);
    }

    /// <summary>A float field: four bytes, little-endian IEEE 754.</summary>
    public void Float(int field, float value)
    {
        Tag(field, Fixed32Type);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    /// <summary>A string field, UTF-8 encoded.</summary>
    public void String(int field, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        Tag(field, LengthDelimitedType);
        Varint((ulong)length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    /// <summary>A bytes field.</summary>
    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimitedType);
        Varint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>A bytes field holding <paramref name="values"/> as little-endian float32 (TensorProto.raw_data).</summary>
    public void LittleEndianFloats(int field, ReadOnlySpan<float> values)
    {
        Tag(field, LengthDelimitedType);
        Varint((ulong)values.Length * sizeof(float));
        var destination = _buffer.GetSpan(values.Length * sizeof(float));
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(destination[(i * sizeof(float))..], values[i]);
        _buffer.Advance(values.Length * sizeof(float));
    }

    /// <summary>A bytes field holding <paramref name="values"/> as little-endian int64 (TensorProto.raw_data).</summary>
    public void LittleEndianInt64s(int field, ReadOnlySpan<long> values)
    {
        Tag(field, LengthDelimitedType);
        Varint((ulong)values.Length * sizeof(long));
        var destination = _buffer.GetSpan(values.Length * sizeof(long));
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(destination[(i * sizeof(long))..], values[i]);
        _buffer.Advance(values.Length * sizeof(long));
    }

    /// <summary>A nested message field: <paramref name="write"/> fills a fresh writer, whose bytes follow their length.</summary>
    public void Message(int field, Action<ProtobufWriter> write)
    {
        var nested = new ProtobufWriter();
        write(nested);
        Bytes(field, nested.WrittenSpan);
    }

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    // Seven bits per byte, least significant group first; the high bit says another byte follows.
    private void Varint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _buffer.Advance(n);
    }
}
