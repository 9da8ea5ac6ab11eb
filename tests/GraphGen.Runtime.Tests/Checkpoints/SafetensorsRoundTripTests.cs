using System.Text;

namespace GraphGen.Runtime.Tests.Checkpoints;

public class SafetensorsRoundTripTests
{
    [Fact]
    public void ValuesSurviveBitForBit()
    {
        // NaN payloads, signed zero, subnormals and infinities must come back as the same bits.
        float[] special =
        [
            0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, float.PositiveInfinity,
            float.NegativeInfinity, float.NaN, BitConverter.Int32BitsToSingle(0x7FC00123), BitConverter.Int32BitsToSingle(unchecked((int)0xFF800001)), 1e-40f,
        ];
        using var dir = new TempDirectory();
        string path = dir.File("special.safetensors");
        SafetensorsWriter.Write(path, [new SafetensorsTensor("special", [3, 4], special)]);

        using var file = SafetensorsFile.Open(path);
        var info = Assert.Single(file.Tensors);
        Assert.Equal(SafetensorsDType.F32, info.DType);
        Assert.Equal([3, 4], info.Shape);
        Assert.Equal(special.Select(BitConverter.SingleToInt32Bits), file.Read(info).Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void ScalarsEmptyTensorsAndMetadataRoundTrip()
    {
        using var dir = new TempDirectory();
        string path = dir.File("shapes.safetensors");
        var metadata = new Dictionary<string, string> { ["note"] = "ünïcode ✓ \"quoted\"", ["empty"] = "" };
        SafetensorsWriter.Write(path,
        [
            new SafetensorsTensor("scalar", [], new[] { 2.5f }),
            new SafetensorsTensor("empty", [0, 3], Array.Empty<float>()),
            new SafetensorsTensor("vector", [2], new[] { 1f, -1f }),
        ], metadata);

        var tensors = Checkpoint.ReadTensors(path);
        Assert.Equal(["empty", "scalar", "vector"], tensors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([], tensors["scalar"].Shape);
        Assert.Equal([2.5f], tensors["scalar"].Values);
        Assert.Equal([0, 3], tensors["empty"].Shape);
        Assert.Empty(tensors["empty"].Values);
        Assert.Equal([1f, -1f], tensors["vector"].Values);
        Assert.Equal(metadata.OrderBy(kv => kv.Key), Checkpoint.ReadMetadata(path).OrderBy(kv => kv.Key));
    }

    [Fact]
    public void LayoutIsTheReferenceLayout()
    {
        // Compact JSON, metadata first, tensors sorted by name with contiguous offsets, padded
        // with spaces to a multiple of 8, then the little-endian data in the same order.
        using var dir = new TempDirectory();
        string path = dir.File("layout.safetensors");
        SafetensorsWriter.Write(path,
            [new SafetensorsTensor("b", [2], new[] { 1f, 2f }), new SafetensorsTensor("a", [1], new[] { -3f })],
            new Dictionary<string, string> { ["k"] = "v" });

        const string json = """{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        string padded = json + new string(' ', (8 - json.Length % 8) % 8);
        byte[] expected = [.. BitConverter.GetBytes((ulong)padded.Length), .. Encoding.UTF8.GetBytes(padded), .. RawSafetensors.F32(-3f, 1f, 2f)];
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void SortOrderIsUtf8ByteOrder()
    {
        // Rust (and so the Python library) sorts names by UTF-8 bytes; UTF-16 ordinal order
        // differs for characters above U+FFFF versus U+E000..U+FFFF.
        using var dir = new TempDirectory();
        string path = dir.File("order.safetensors");
        string high = "\U0001F600", privateUse = "\uE000";
        SafetensorsWriter.Write(path, [new SafetensorsTensor(high, [1], new[] { 1f }), new SafetensorsTensor(privateUse, [1], new[] { 2f })]);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal([privateUse, high], file.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void SameTensorsGiveIdenticalBytesWhateverTheInputOrder()
    {
        using var dir = new TempDirectory();
        var a = new SafetensorsTensor("layer.weight", [2, 2], new[] { 1f, 2f, 3f, 4f });
        var b = new SafetensorsTensor("layer.bias", [2], new[] { 5f, 6f });
        var c = new SafetensorsTensor("z", [1], new[] { 7f });
        var metaOne = new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" };
        var metaTwo = new Dictionary<string, string> { ["y"] = "2", ["x"] = "1" };
        SafetensorsWriter.Write(dir.File("one.safetensors"), [a, b, c], metaOne);
        SafetensorsWriter.Write(dir.File("two.safetensors"), [c, a, b], metaTwo);

        Assert.Equal(File.ReadAllBytes(dir.File("one.safetensors")), File.ReadAllBytes(dir.File("two.safetensors")));
    }

    [Fact]
    public void CheckpointSaveIsDeterministic()
    {
        using var dir = new TempDirectory();
        var optimizer = new Adam();
        var network = TinyMlp.Seeded(1);
        optimizer.Step(network.Parameters, Enumerable.Range(0, network.ParameterTable.TotalCount).Select(i => i * 0.01f).ToArray());
        Checkpoint.Save(dir.File("one.safetensors"), network, optimizer, new Dictionary<string, string> { ["epoch"] = "3" });
        Checkpoint.Save(dir.File("two.safetensors"), network, optimizer, new Dictionary<string, string> { ["epoch"] = "3" });

        Assert.Equal(File.ReadAllBytes(dir.File("one.safetensors")), File.ReadAllBytes(dir.File("two.safetensors")));
    }

    [Fact]
    public void HeaderIsPaddedSoDataStartsEightByteAligned()
    {
        using var dir = new TempDirectory();
        for (int length = 1; length <= 8; length++)
        {
            string path = dir.File($"pad{length}.safetensors");
            SafetensorsWriter.Write(path, [new SafetensorsTensor(new string('n', length), [1], new[] { 1f })]);
            byte[] bytes = File.ReadAllBytes(path);
            ulong headerSize = BitConverter.ToUInt64(bytes, 0);
            Assert.Equal(0UL, headerSize % 8);
            Assert.Equal((byte)'{', bytes[8]);
            Assert.Equal(1f, Checkpoint.ReadTensors(path)[new string('n', length)].Values[0]);
        }
    }

    [Fact]
    public void WriterRejectsBadTensorsBeforeTouchingTheDisk()
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.safetensors");
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new SafetensorsTensor("x", [1], new[] { 1f }), new SafetensorsTensor("x", [1], new[] { 2f })]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new SafetensorsTensor("x", [-1], Array.Empty<float>())]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new SafetensorsTensor("__metadata__", [1], new[] { 1f })]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new SafetensorsTensor("", [1], new[] { 1f })]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new SafetensorsTensor("huge", [65536, 65536], Array.Empty<float>())]));
        Assert.Empty(dir.Entries());
    }
}
