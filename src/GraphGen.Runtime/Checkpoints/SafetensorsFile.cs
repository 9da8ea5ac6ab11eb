using System.Buffers;
using System.Buffers.Binary;

namespace GraphGen;

/// <summary>
/// An open safetensors file: its validated header, and tensor data read on demand and
/// converted to float. Opening reads and checks only the header (see
/// <see cref="SafetensorsHeader"/>), so listing the tensors of a large file is cheap.
/// </summary>
/// <remarks>
/// Layout: an 8-byte little-endian header size N, N bytes of UTF-8 JSON, then the data
/// buffer; each tensor's <c>data_offsets</c> are relative to the start of that buffer.
/// </remarks>
public sealed class SafetensorsFile : IDisposable
{
    private const int ChunkBytes = 1 << 16;

    private readonly FileStream _stream;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;

    private SafetensorsFile(string path, FileStream stream, long dataStart, SafetensorsHeader header)
    {
        Path = path;
        _stream = stream;
        _dataStart = dataStart;
        Metadata = header.Metadata;
        Tensors = header.Tensors;
        _byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file, as given to <see cref="Open"/>.</summary>
    public string Path { get; }

    /// <summary>The header's "__metadata__" (empty when it has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Every tensor, in the order of its data in the file.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>
    /// Opens <paramref name="path"/> and validates its header. A damaged or truncated file
    /// throws <see cref="CheckpointException"/>, and so does one the system refuses to open (no
    /// permission, or a directory), with the system's exception inside; a missing one throws
    /// the usual <see cref="FileNotFoundException"/>. All of them are <see cref="IOException"/>s.
    /// </summary>
    /// <param name="path">The safetensors file.</param>
    /// <returns>The open file; dispose it to close the file.</returns>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CheckpointException(path, null, $"the file cannot be opened ({e.Message.TrimEnd('.')})",
                "Check that the path names a file, not a directory, and that this process has permission to read it", e);
        }
        try
        {
            long length = stream.Length;
            if (length < 8)
                throw new CheckpointException(path, null,
                    $"the file is {length} bytes long, shorter than the 8-byte header size that begins every safetensors file",
                    "The file is empty or was cut off; restore a complete copy");
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            ulong headerBytes = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerBytes > (ulong)(length - 8))
                throw new CheckpointException(path, null,
                    $"the header size field says {headerBytes} bytes, but the file has only {length - 8} bytes after it",
                    "The file was cut off or is not a safetensors file; restore a complete copy");
            if (headerBytes > SafetensorsHeader.MaxHeaderBytes)
                throw new CheckpointException(path, null,
                    $"the header size field says {headerBytes} bytes, more than the format's limit of {SafetensorsHeader.MaxHeaderBytes}",
                    "The file is damaged or is not a safetensors file; restore a good copy");

            var json = new byte[(int)headerBytes];
            stream.ReadExactly(json);
            long dataStart = 8 + (long)headerBytes;
            var header = SafetensorsHeader.Parse(path, json, length - dataStart);
            return new SafetensorsFile(path, stream, dataStart, header);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Looks a tensor up by name in the header.</summary>
    /// <param name="name">The tensor's name, compared ordinally.</param>
    /// <param name="tensor">The tensor's description when found.</param>
    /// <returns>True when the file holds a tensor of that name.</returns>
    public bool TryGetTensor(string name, out SafetensorsTensorInfo tensor) => _byName.TryGetValue(name, out tensor!);

    /// <summary>Reads one tensor, converted to float.</summary>
    public float[] Read(SafetensorsTensorInfo tensor)
    {
        var values = new float[tensor.ElementCount];
        ReadInto(tensor, values);
        return values;
    }

    /// <summary>Reads one tensor into <paramref name="destination"/>, which must hold exactly its elements.</summary>
    public void ReadInto(SafetensorsTensorInfo tensor, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_byName.TryGetValue(tensor.Name, out var own) || !ReferenceEquals(own, tensor))
            throw new ArgumentException($"Tensor '{tensor.Name}' was not obtained from the header of '{Path}'.", nameof(tensor));
        if (destination.Length != tensor.ElementCount)
            throw new ArgumentException($"Tensor '{tensor.Name}' {tensor.ShapeText} has {tensor.ElementCount} elements; the destination holds {destination.Length}.", nameof(destination));

        int size = tensor.DType.ByteSize();
        int elementsPerChunk = ChunkBytes / size;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            _stream.Position = _dataStart + tensor.Begin;
            for (int done = 0; done < destination.Length; done += elementsPerChunk)
            {
                int n = Math.Min(elementsPerChunk, destination.Length - done);
                var bytes = chunk.AsSpan(0, n * size);
                _stream.ReadExactly(bytes);
                TensorDecoding.Decode(tensor.DType, bytes, destination.Slice(done, n));
            }
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException(Path, tensor.Name,
                "the file ended while this tensor was being read; it was truncated after it was opened",
                "Another process is writing or replacing the file; wait for it to finish and load again", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();
}
