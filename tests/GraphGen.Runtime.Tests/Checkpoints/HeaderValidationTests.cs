namespace GraphGen.Runtime.Tests.Checkpoints;

/// <summary>Hand-made headers, each broken in one way, each reported in words.</summary>
public class HeaderValidationTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public HeaderValidationTests() => _path = _dir.File("broken.safetensors");

    public void Dispose() => _dir.Dispose();

    private const string A4 = """ "a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]} """;

    [Theory]
    [InlineData("[]", "JSON array, not an object")]
    [InlineData("\"text\"", "JSON string, not an object")]
    [InlineData("hello", "not valid UTF-8 JSON")]
    [InlineData("{\"a\":", "not valid UTF-8 JSON")]
    [InlineData("", "not valid UTF-8 JSON")]
    [InlineData("{\"__metadata__\":[1]}", "\"__metadata__\" is a JSON array, not an object")]
    [InlineData("{\"__metadata__\":{\"epoch\":3}}", "metadata entry \"epoch\" is a JSON number, not a string")]
    public void WholeHeaderProblems(string header, string words)
    {
        RawSafetensors.Write(_path, header);
        CorruptionAssert.Throws(_path, null, words);
    }

    [Fact]
    public void InvalidUtf8()
    {
        RawSafetensors.Write(_path, [(byte)'{', 0xFF, 0xFE, (byte)'}']);
        CorruptionAssert.Throws(_path, null, "not valid UTF-8 JSON");
    }

    [Theory]
    [InlineData("5", "the entry is a JSON number, not an object")]
    [InlineData("""{"shape":[1],"data_offsets":[0,4]}""", "no \"dtype\"")]
    [InlineData("""{"dtype":"F32","data_offsets":[0,4]}""", "no \"shape\"")]
    [InlineData("""{"dtype":"F32","shape":[1]}""", "no \"data_offsets\"")]
    [InlineData("""{"dtype":32,"shape":[1],"data_offsets":[0,4]}""", "\"dtype\" is a JSON number, not a string")]
    [InlineData("""{"dtype":"F32","shape":"1","data_offsets":[0,4]}""", "\"shape\" is a JSON string, not an array")]
    [InlineData("""{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}""", "\"shape\" entry 0 is -1")]
    [InlineData("""{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}""", "\"shape\" entry 0 is 1.5")]
    [InlineData("""{"dtype":"F32","shape":[1],"data_offsets":[0]}""", "not a pair [begin, end]")]
    [InlineData("""{"dtype":"F32","shape":[1],"data_offsets":{"begin":0}}""", "not a pair [begin, end]")]
    [InlineData("""{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}""", "the begin of \"data_offsets\" is -4")]
    [InlineData("""{"dtype":"F32","shape":[1],"data_offsets":[0,1e30]}""", "the end of \"data_offsets\" is 1e30")]
    [InlineData("""{"dtype":"F32","shape":[1],"data_offsets":[4,0]}""", "ends before it begins")]
    [InlineData("""{"dtype":"F32","shape":[1],"data_offsets":[0,8]}""", "span 8 bytes, but shape [1] of F32 needs 1 × 4 = 4 bytes")]
    [InlineData("""{"dtype":"F16","shape":[1],"data_offsets":[0,4]}""", "shape [1] of F16 needs 1 × 2 = 2 bytes")]
    [InlineData("""{"dtype":"F32","shape":[65536,65536],"data_offsets":[0,4]}""", "more than 2147483647 elements")]
    public void EntryProblems(string entry, string words)
    {
        RawSafetensors.Write(_path, $$"""{"a":{{entry}}}""", new byte[4]);
        CorruptionAssert.Throws(_path, "a", words);
    }

    [Theory]
    [InlineData("I64")]
    [InlineData("U8")]
    [InlineData("BOOL")]
    [InlineData("f32")]
    [InlineData("F8_E4M3")]
    public void UnsupportedDTypes(string dtype)
    {
        RawSafetensors.Write(_path, $$$"""{"a":{"dtype":"{{{dtype}}}","shape":[1],"data_offsets":[0,8]}}""", new byte[8]);
        var error = CorruptionAssert.Throws(_path, "a", $"dtype \"{dtype}\" is not supported", "F32, F16, BF16 and F64");
        Assert.Contains("tensor.float()", error.Advice);
    }

    [Fact]
    public void OverlappingTensors()
    {
        RawSafetensors.Write(_path, """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", new byte[12]);
        CorruptionAssert.Throws(_path, "b", "overlaps the data of 'a' [0, 8)");
    }

    [Fact]
    public void TwoTensorsOnTheSameBytes()
    {
        RawSafetensors.Write(_path, """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[4]);
        CorruptionAssert.Throws(_path, "b", "overlaps the data of 'a'");
    }

    [Fact]
    public void GapBetweenTensors()
    {
        RawSafetensors.Write(_path, """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", new byte[12]);
        CorruptionAssert.Throws(_path, "b", "gap of 4 bytes after 'a'");
    }

    [Fact]
    public void FirstTensorNotAtTheStart()
    {
        RawSafetensors.Write(_path, """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", new byte[8]);
        CorruptionAssert.Throws(_path, "a", "begins at byte 4", "must begin at byte 0");
    }

    [Fact]
    public void OffsetsBeyondTheEndOfTheFile()
    {
        RawSafetensors.Write(_path, """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1000],"data_offsets":[4,4004]}}""", new byte[8]);
        CorruptionAssert.Throws(_path, "b", "truncated", "up to byte 4004", "only 8 bytes");
    }

    [Fact]
    public void BytesAfterTheLastTensor()
    {
        RawSafetensors.Write(_path, "{" + A4 + "}", new byte[12]);
        CorruptionAssert.Throws(_path, null, "8 bytes follow the last tensor");
    }

    [Fact]
    public void DuplicateNames()
    {
        RawSafetensors.Write(_path, "{" + A4 + "," + A4 + "}", new byte[4]);
        CorruptionAssert.Throws(_path, "a", "appears twice");
    }

    [Fact]
    public void DuplicateMetadataEntries()
    {
        RawSafetensors.Write(_path, """{"__metadata__":{"k":"1","k":"2"}}""");
        CorruptionAssert.Throws(_path, null, "metadata entry \"k\" appears twice");
    }

    [Fact]
    public void HeaderSizeAboveTheFormatLimit()
    {
        // A sparse file larger than the limit, so the size field fits in the file but not in the format.
        using (var stream = File.Create(_path))
        {
            stream.Write(BitConverter.GetBytes(150_000_000UL));
            stream.SetLength(200_000_000);
        }
        CorruptionAssert.Throws(_path, null, "150000000 bytes", "limit of 100000000");
    }

    [Fact]
    public void ValidFileWithoutTensorsOrMetadata()
    {
        RawSafetensors.Write(_path, "{}");
        Assert.Empty(Checkpoint.ReadTensors(_path));
        Assert.Empty(Checkpoint.ReadMetadata(_path));
    }

    [Fact]
    public void TensorsMayBeListedInAnyOrder()
    {
        // The reader orders by offset, not by position in the JSON.
        RawSafetensors.Write(_path, """{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", RawSafetensors.F32(1f, 2f));
        var tensors = Checkpoint.ReadTensors(_path);
        Assert.Equal([1f], tensors["a"].Values);
        Assert.Equal([2f], tensors["b"].Values);
    }
}
