using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace GraphGen;

/// <summary>
/// Writes float tensors as a safetensors file, atomically (see <see cref="AtomicFile"/>) and
/// deterministically: tensors are stored sorted by name, as the Python safetensors library
/// does, metadata keys are sorted, and the header is compact JSON padded with spaces to a
/// multiple of 8 bytes. The same tensors and metadata always give byte-identical files.
/// </summary>
public static class SafetensorsWriter
{
    private const int ChunkFloats = 1 << 14;

    /// <summary>Writes <paramref name="tensors"/> (as F32) and <paramref name="metadata"/> to <paramref name="path"/>, replacing any file there.</summary>
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var ordered = Order(tensors);
        byte[] header = EncodeHeader(ordered, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> size = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(size, (ulong)header.Length);
            stream.Write(size);
            stream.Write(header);
            foreach (var tensor in ordered) WriteValues(stream, tensor);
        });
    }

    /// <summary>Checks names and shapes, and sorts by the UTF-8 bytes of the name (Rust's string order).</summary>
    private static SafetensorsTensor[] Order(IEnumerable<SafetensorsTensor> tensors)
    {
        var list = new List<(byte[] Key, SafetensorsTensor Tensor)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            if (t.Name.Length == 0 || t.Name == SafetensorsHeader.MetadataKey)
                throw new ArgumentException($"'{t.Name}' cannot name a tensor: it is empty or the header's metadata key.", nameof(tensors));
            if (!names.Add(t.Name))
                throw new ArgumentException($"Tensor name '{t.Name}' appears twice; names must be unique.", nameof(tensors));
            if (Array.Exists(t.Shape, d => d < 0))
                throw new ArgumentException($"Tensor '{t.Name}' has a negative size in shape {ShapeMath.Format(t.Shape)}.", nameof(tensors));
            try
            {
                ShapeMath.ElementCount(t.Shape);
            }
            catch (OverflowException)
            {
                throw new ArgumentException($"Tensor '{t.Name}' shape {ShapeMath.Format(t.Shape)} has more than {int.MaxValue} elements.", nameof(tensors));
            }
            list.Add((Encoding.UTF8.GetBytes(t.Name), t));
        }
        list.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        return list.ConvertAll(x => x.Tensor).ToArray();
    }

    private static byte[] EncodeHeader(SafetensorsTensor[] ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps names and metadata readable in the file (e.g. with `head -c`).
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var key in metadata.Keys.Order(StringComparer.Ordinal))
                    json.WriteString(key, metadata[key] ?? throw new ArgumentException($"Metadata entry '{key}' is null.", nameof(metadata)));
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in ordered)
            {
                long end = offset + 4L * ShapeMath.ElementCount(t.Shape);
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", SafetensorsDType.F32.HeaderName());
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }

        // Pad with spaces so the data buffer starts 8-byte aligned, as the reference writer does.
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteValues(Stream stream, SafetensorsTensor tensor)
    {
        ReadOnlySpan<float> values = tensor.Values();
        int expected = ShapeMath.ElementCount(tensor.Shape);
        if (values.Length != expected)
            throw new ArgumentException($"Tensor '{tensor.Name}' has shape {ShapeMath.Format(tensor.Shape)} ({expected} floats), but its source returned {values.Length} floats.");

        byte[] chunk = ArrayPool<byte>.Shared.Rent(4 * ChunkFloats);
        try
        {
            for (int done = 0; done < values.Length; done += ChunkFloats)
            {
                var slice = values.Slice(done, Math.Min(ChunkFloats, values.Length - done));
                for (int i = 0; i < slice.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(4 * i), slice[i]);
                stream.Write(chunk, 0, 4 * slice.Length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
