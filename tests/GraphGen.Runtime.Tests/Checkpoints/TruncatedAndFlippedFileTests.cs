namespace GraphGen.Runtime.Tests.Checkpoints;

/// <summary>A real checkpoint, cut short at many points or with header bytes changed.</summary>
public class TruncatedAndFlippedFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly byte[] _original;
    private readonly long _headerSize;
    private readonly SafetensorsTensorInfo[] _tensors;

    public TruncatedAndFlippedFileTests()
    {
        string path = _dir.File("good.safetensors");
        var network = TinyMlp.Seeded(3);
        var optimizer = new Sgd(0.1f, momentum: 0.9f);
        optimizer.Step(network.Parameters, new float[network.ParameterTable.TotalCount]);
        Checkpoint.Save(path, network, optimizer);
        _original = File.ReadAllBytes(path);
        _headerSize = (long)BitConverter.ToUInt64(_original, 0);
        using var file = SafetensorsFile.Open(path);
        _tensors = [.. file.Tensors];
    }

    public void Dispose() => _dir.Dispose();

    private string WriteVariant(byte[] bytes)
    {
        string path = _dir.File($"variant-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void ShorterThanTheSizeField(int length)
    {
        string path = WriteVariant(_original[..length]);
        CorruptionAssert.Throws(path, null, $"the file is {length} bytes long, shorter than the 8-byte header size");
    }

    [Fact]
    public void CutInsideTheHeader()
    {
        foreach (long length in new[] { 8, 9, 8 + _headerSize / 2, 8 + _headerSize - 1 })
        {
            string path = WriteVariant(_original[..(int)length]);
            CorruptionAssert.Throws(path, null, $"the header size field says {_headerSize} bytes, but the file has only {length - 8} bytes after it");
        }
    }

    [Fact]
    public void CutInsideTheData()
    {
        long dataStart = 8 + _headerSize;
        long dataLength = _original.Length - dataStart;
        Assert.Equal(_tensors[^1].End, dataLength);
        foreach (long cut in new[] { 0, 1, 4, dataLength / 3, dataLength / 2, dataLength - 4, dataLength - 1 })
        {
            string path = WriteVariant(_original[..(int)(dataStart + cut)]);
            string victim = _tensors.First(t => t.End > cut).Name;
            CorruptionAssert.Throws(path, victim, "truncated", $"only {cut} bytes after the header");
        }
    }

    [Fact]
    public void HugeHeaderSize()
    {
        byte[] bytes = (byte[])_original.Clone();
        bytes[7] = 0x80;
        ulong size = BitConverter.ToUInt64(bytes, 0);
        CorruptionAssert.Throws(WriteVariant(bytes), null, $"the header size field says {size} bytes", "restore a complete copy");
    }

    [Fact]
    public void HeaderNotStartingWithABrace()
    {
        byte[] bytes = (byte[])_original.Clone();
        Assert.Equal((byte)'{', bytes[8]);
        bytes[8] = (byte)'x';
        CorruptionAssert.Throws(WriteVariant(bytes), null, "not valid UTF-8 JSON");
    }

    [Fact]
    public void ChangedOffsetDigit()
    {
        // "0.bias" [3] is the first tensor: [0,12]. Make it [0,16] (same length, so the header size still fits).
        string text = System.Text.Encoding.UTF8.GetString(_original, 8, (int)_headerSize);
        const string from = "\"data_offsets\":[0,12]", to = "\"data_offsets\":[0,16]";
        Assert.Contains(from, text);
        byte[] bytes = [.. _original[..8], .. System.Text.Encoding.UTF8.GetBytes(text.Replace(from, to)), .. _original[(int)(8 + _headerSize)..]];
        CorruptionAssert.Throws(WriteVariant(bytes), "0.bias", "span 16 bytes", "needs 3 × 4 = 12 bytes");
    }

    [Fact]
    public void EveryHeaderByteFlipOutsideAStringIsACheckpointException()
    {
        // A flip inside a tensor name or a metadata string can leave a valid file (with other
        // names); a flip anywhere else in the size field or the header must be reported as a
        // CheckpointException, and no flip may surface as another exception type.
        var insideString = new bool[8 + _headerSize];
        bool inString = false;
        for (int i = 8; i < insideString.Length; i++)
        {
            if (_original[i] == (byte)'"') inString = !inString;
            else insideString[i] = inString;
        }

        var undetected = new List<int>();
        for (int i = 0; i < insideString.Length; i++)
        {
            byte[] bytes = (byte[])_original.Clone();
            bytes[i] ^= 0x5A;
            string path = WriteVariant(bytes);
            try
            {
                Checkpoint.ReadTensors(path);
                if (!insideString[i]) undetected.Add(i);
            }
            catch (CheckpointException e)
            {
                Assert.Equal(path, e.FilePath);
            }
            File.Delete(path);
        }
        Assert.Empty(undetected);
    }

    [Fact]
    public void FileTruncatedAfterOpeningIsReported()
    {
        string path = WriteVariant(_original);
        using var file = SafetensorsFile.Open(path);
        using (var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            writer.SetLength(8 + _headerSize + 4);

        var last = file.Tensors[^1];
        var error = Assert.Throws<CheckpointException>(() => file.Read(last));
        Assert.Equal(last.Name, error.TensorName);
        Assert.Contains("truncated after it was opened", error.Message);
    }
}
