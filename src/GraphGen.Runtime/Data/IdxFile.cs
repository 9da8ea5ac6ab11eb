using System.Buffers.Binary;
using System.IO.Compression;

namespace GraphGen.Data;

/// <summary>
/// An IDX file (the MNIST format) of unsigned bytes: the magic 00 00 08 nd, then nd big-endian
/// 32-bit dimension sizes, then the values in row-major order. Files ending in ".gz" or
/// starting with the gzip magic are decompressed transparently.
/// </summary>
public sealed class IdxFile
{
    /// <summary>The IDX type code of unsigned bytes, the only element type supported.</summary>
    public const byte UnsignedByteType = 0x08;

    private readonly int[] _dimensions;

    /// <summary>An IDX array of the given dimensions over <paramref name="data"/> (not copied).</summary>
    public IdxFile(ReadOnlySpan<int> dimensions, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (dimensions.IsEmpty || dimensions.Length > byte.MaxValue)
            throw new ArgumentException($"An IDX file has 1 to 255 dimensions, not {dimensions.Length}.", nameof(dimensions));
        long size = 1;
        foreach (int dim in dimensions)
        {
            if (dim < 0) throw new ArgumentException($"Dimension sizes cannot be negative: [{string.Join(", ", dimensions.ToArray())}].", nameof(dimensions));
            size *= dim;
            if (size > Array.MaxLength) throw new ArgumentException($"Dimensions [{string.Join(", ", dimensions.ToArray())}] are too large.", nameof(dimensions));
        }
        if (size != data.Length)
            throw new ArgumentException($"Dimensions [{string.Join(", ", dimensions.ToArray())}] hold {size} values but the data has {data.Length}.", nameof(data));
        _dimensions = dimensions.ToArray();
        Data = data;
    }

    /// <summary>The size of each dimension, outermost first (e.g. [60000, 28, 28]).</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>The values, row-major.</summary>
    public byte[] Data { get; }

    /// <summary>The size of the header before the data: 4 bytes of magic and 4 per dimension.</summary>
    public int HeaderSize => 4 + 4 * _dimensions.Length;

    /// <summary>Reads an IDX file of unsigned bytes, gzipped or not.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX file of unsigned bytes; the message names the file, the byte offset and the problem.</exception>
    public static IdxFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] content = DataFile.ReadAllBytes(path, out bool gzipped);
        // Offsets in messages are into the decompressed bytes when the file is gzipped.
        string Where(long offset) => gzipped ? $"byte {offset} of the decompressed data" : $"byte {offset}";

        if (content.Length < 4)
            throw DataFile.Error(path, Where(content.Length), $"truncated: the file has {content.Length} bytes, less than the 4-byte IDX magic");
        if (content[0] != 0 || content[1] != 0)
            throw DataFile.Error(path, Where(0), $"wrong magic {Convert.ToHexString(content, 0, 4)}: an IDX file starts with 00 00, a type code and the number of dimensions");
        if (content[2] != UnsignedByteType)
            throw DataFile.Error(path, Where(2), $"element type 0x{content[2]:X2} is not supported; only unsigned bytes (0x08) are");
        int rank = content[3];
        if (rank == 0)
            throw DataFile.Error(path, Where(3), "the file declares 0 dimensions");
        int headerSize = 4 + 4 * rank;
        if (content.Length < headerSize)
            throw DataFile.Error(path, Where(content.Length), $"truncated header: {rank} dimensions need {headerSize} bytes, the file has {content.Length}");

        var dimensions = new int[rank];
        long expected = 1;
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(4 + 4 * d));
            if (size > int.MaxValue)
                throw DataFile.Error(path, Where(4 + 4 * d), $"dimension {d} has size {size}, more than an array can hold");
            dimensions[d] = (int)size;
            expected *= size;
            if (expected > Array.MaxLength)
                throw DataFile.Error(path, Where(4 + 4 * d), $"dimensions [{string.Join(", ", dimensions[..(d + 1)])}] hold more values than an array can");
        }
        long actual = content.Length - headerSize;
        if (actual < expected)
            throw DataFile.Error(path, Where(content.Length), $"truncated: dimensions [{string.Join(", ", dimensions)}] need {expected} bytes of data after the {headerSize}-byte header, the file has {actual}");
        if (actual > expected)
            throw DataFile.Error(path, Where(headerSize + expected), $"{actual - expected} unexpected bytes after the {expected} bytes that dimensions [{string.Join(", ", dimensions)}] hold");
        return new IdxFile(dimensions, content[headerSize..]);
    }

    /// <summary>Writes the file; gzipped when <paramref name="path"/> ends in ".gz".</summary>
    public void Write(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.Create(path);
        using Stream output = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionLevel.Optimal)
            : file;
        Span<byte> header = stackalloc byte[4];
        header[0] = 0; header[1] = 0; header[2] = UnsignedByteType; header[3] = (byte)_dimensions.Length;
        output.Write(header);
        foreach (int dim in _dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(header, dim);
            output.Write(header);
        }
        output.Write(Data);
    }
}
