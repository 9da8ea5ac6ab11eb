using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

/// <summary>Takes a PNG apart into chunks and puts edited ones back together, to build broken files.</summary>
internal sealed class PngChunkEditor
{
    public PngChunkEditor(byte[] png)
    {
        int offset = 8;
        while (offset < png.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            Chunks.Add((Encoding.ASCII.GetString(png, offset + 4, 4), png.AsSpan(offset + 8, length).ToArray()));
            offset += 12 + length;
        }
    }

    public List<(string Type, byte[] Data)> Chunks { get; } = [];

    public byte[] Data(string type) => Chunks.Single(c => c.Type == type).Data;

    public void Replace(string type, byte[] data) => Chunks[Chunks.FindIndex(c => c.Type == type)] = (type, data);

    /// <summary>Signature and chunks, each with a correct CRC unless it is <paramref name="corruptCrcOf"/>.</summary>
    public byte[] Assemble(string? corruptCrcOf = null)
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> word = stackalloc byte[4];
        foreach (var (type, data) in Chunks)
        {
            byte[] typeBytes = Encoding.ASCII.GetBytes(type);
            BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
            stream.Write(word);
            stream.Write(typeBytes);
            stream.Write(data);
            uint crc = Crc32.Append(Crc32.Compute(typeBytes), data);
            BinaryPrimitives.WriteUInt32BigEndian(word, type == corruptCrcOf ? crc ^ 1 : crc);
            stream.Write(word);
        }
        return stream.ToArray();
    }

    public static byte[] Deflate(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
        return output.ToArray();
    }
}
