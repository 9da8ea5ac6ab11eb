using System.Buffers.Binary;
using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

/// <summary>IDX reading and writing on tiny synthetic files, plain and gzipped, and every malformation.</summary>
public sealed class IdxFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] Header(byte type, params int[] dims)
    {
        var bytes = new byte[4 + 4 * dims.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        return bytes;
    }

    private string WriteBytes(string name, byte[] content)
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private InvalidDataException ReadFails(string path)
    {
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.StartsWith(path + ": ", error.Message);
        return error;
    }

    [Theory]
    [InlineData("images.idx")]
    [InlineData("images.idx.gz")]
    public void WriteThenReadRoundTrips(string name)
    {
        byte[] data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();
        string path = _temp.File(name);
        new IdxFile([2, 3, 4], data).Write(path);

        IdxFile read = IdxFile.Read(path);
        Assert.Equal([2, 3, 4], read.Dimensions);
        Assert.Equal(data, read.Data);
        Assert.Equal(16, read.HeaderSize);
    }

    [Fact]
    public void WrittenHeaderIsMnistsBigEndianLayout()
    {
        string path = _temp.File("labels.idx");
        new IdxFile([3], [7, 2, 1]).Write(path);
        Assert.Equal([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1], File.ReadAllBytes(path));
    }

    [Fact]
    public void GzipIsRecognisedByItsMagicWithoutTheExtension()
    {
        byte[] content = [.. Header(8, 2), 5, 6];
        string path = _temp.WriteGzip("labels-no-extension", content);
        Assert.Equal([5, 6], IdxFile.Read(path).Data);
    }

    [Fact]
    public void WrongMagicIsRejected()
    {
        string path = WriteBytes("bad", [0x50, 0x4B, 0x03, 0x04, 1, 2, 3]);
        Assert.Equal($"{path}: byte 0: wrong magic 504B0304: an IDX file starts with 00 00, a type code and the number of dimensions", ReadFails(path).Message);
    }

    [Fact]
    public void UnsupportedElementTypeIsRejected()
    {
        string path = WriteBytes("floats", [.. Header(0x0D, 1), 0, 0, 0, 0]);
        Assert.Contains("byte 2: element type 0x0D is not supported; only unsigned bytes (0x08) are", ReadFails(path).Message);
    }

    [Fact]
    public void TruncatedFilesAreRejectedWithTheirOffsets()
    {
        Assert.Contains("byte 2: truncated: the file has 2 bytes, less than the 4-byte IDX magic", ReadFails(WriteBytes("a", [0, 0])).Message);
        Assert.Contains("byte 10: truncated header: 3 dimensions need 16 bytes, the file has 10", ReadFails(WriteBytes("b", Header(8, 2, 3, 4)[..10])).Message);
        Assert.Contains("byte 17: truncated: dimensions [2, 3] need 6 bytes of data after the 12-byte header, the file has 5", ReadFails(WriteBytes("c", [.. Header(8, 2, 3), 1, 2, 3, 4, 5])).Message);
        Assert.Contains("byte 10: 1 unexpected bytes after the 2 bytes that dimensions [2] hold", ReadFails(WriteBytes("d", [.. Header(8, 2), 1, 2, 3])).Message);
        Assert.Contains("byte 3: the file declares 0 dimensions", ReadFails(WriteBytes("e", [0, 0, 8, 0])).Message);
    }

    [Fact]
    public void TruncatedGzippedFileReportsOffsetsInTheDecompressedData()
    {
        string path = _temp.WriteGzip("short.gz", [.. Header(8, 4), 1, 2]);
        Assert.Contains("byte 10 of the decompressed data: truncated: dimensions [4] need 4 bytes", ReadFails(path).Message);
    }

    [Fact]
    public void ImagesAndLabelsBecomeAScaledDatasetOfOneChannelImages()
    {
        string images = WriteBytes("images", [.. Header(8, 2, 2, 3), 0, 255, 51, 102, 153, 204, 1, 2, 3, 4, 5, 6]);
        string labels = _temp.WriteGzip("labels.gz", [.. Header(8, 2), 9, 4]);
        Dataset data = IdxDataset.Load(images, labels);
        Assert.Equal(2, data.Count);
        Assert.Equal([1, 2, 3], data.FeatureShape);
        Assert.Equal([0f, 1f, 0.2f, 0.4f, 0.6f, 0.8f], data.FeaturesOf(0).ToArray());
        Assert.Equal(6f / 255f, data.FeaturesOf(1)[5]);
        Assert.Equal([9, 4], data.Labels);
    }

    [Fact]
    public void MismatchedImageAndLabelCountsNameBothFiles()
    {
        string images = WriteBytes("images", [.. Header(8, 2, 1, 1), 0, 0]);
        string labels = WriteBytes("labels", [.. Header(8, 3), 0, 1, 2]);
        var error = Assert.Throws<InvalidDataException>(() => IdxDataset.Load(images, labels));
        Assert.Equal($"{images} holds 2 images but {labels} holds 3 labels; they must match one for one.", error.Message);
    }

    [Fact]
    public void LabelOutOfRangeNamesItsOffset()
    {
        string images = WriteBytes("images", [.. Header(8, 2, 1, 1), 0, 0]);
        string labels = WriteBytes("labels", [.. Header(8, 2), 0, 10]);
        var error = Assert.Throws<InvalidDataException>(() => IdxDataset.Load(images, labels));
        Assert.Equal($"{labels}: byte 9: label 10 of sample 1 is outside [0, 10)", error.Message);
    }

    [Fact]
    public void ImagesAndLabelsMustHaveTheirRanks()
    {
        string flat = WriteBytes("flat", [.. Header(8, 2), 0, 0]);
        string labels = WriteBytes("labels", [.. Header(8, 2), 0, 1]);
        var error = Assert.Throws<InvalidDataException>(() => IdxDataset.Load(flat, labels));
        Assert.Equal($"{flat}: byte 3: expected images with 3 dimensions [count, rows, columns], found [2]", error.Message);
    }
}
