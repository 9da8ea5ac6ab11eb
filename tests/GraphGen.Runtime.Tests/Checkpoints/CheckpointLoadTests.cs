namespace GraphGen.Runtime.Tests.Checkpoints;

public class CheckpointLoadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static int[] Bits(INetwork network) => network.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Loading throws a CheckpointException naming the file and tensor, and leaves the network bit for bit as it was.</summary>
    private static CheckpointException AssertLoadFails(string path, INetwork network, string? tensor, Optimizer? optimizer = null, bool strict = true)
    {
        int[] before = Bits(network);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, network, optimizer, strict));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(tensor, error.TensorName);
        Assert.Contains($"'{path}'", error.Message);
        Assert.Equal(before, Bits(network));
        return error;
    }

    /// <summary>Writes TinyMlp(3)'s tensors from <paramref name="source"/>, minus <paramref name="drop"/>, plus <paramref name="extra"/>.</summary>
    private string WriteEdited(TinyMlp source, string? drop = null, SafetensorsTensor? extra = null)
    {
        var tensors = source.ParameterTable.Parameters
            .Where(p => p.Name != drop)
            .Select(p => new SafetensorsTensor(p.Name, p.Shape, source.Parameters.Slice(p.Offset, p.Count).ToArray()))
            .ToList();
        if (extra is not null) tensors.Add(extra);
        string path = _dir.File($"edited-{Guid.NewGuid():N}.safetensors");
        SafetensorsWriter.Write(path, tensors);
        return path;
    }

    [Fact]
    public void ParametersRoundTripBitForBit()
    {
        string path = _dir.File("model.safetensors");
        var saved = TinyMlp.Seeded(11);
        saved.Parameters[0] = float.MaxValue; // NaN and infinity are refused: RefusedContentTests
        saved.Parameters[1] = -0f;
        saved.Parameters[2] = 1e-42f;
        Checkpoint.Save(path, saved);

        var loaded = TinyMlp.Seeded(12);
        var result = Checkpoint.Load(path, loaded);

        Assert.True(result.IsExactMatch);
        Assert.Equal(Bits(saved), Bits(loaded));
    }

    [Fact]
    public void FileHoldsEachParameterUnderItsNameAndShape()
    {
        string path = _dir.File("model.safetensors");
        var network = TinyMlp.Seeded(13);
        Checkpoint.Save(path, network);

        var tensors = Checkpoint.ReadTensors(path);
        Assert.Equal(["0.bias", "0.weight", "2.bias", "2.weight"], tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var p in network.ParameterTable.Parameters)
        {
            Assert.Equal(p.Shape, tensors[p.Name].Shape);
            Assert.Equal(network.Parameters.Slice(p.Offset, p.Count).ToArray(), tensors[p.Name].Values);
        }
    }

    [Fact]
    public void MetadataNamesTheNetworkAndKeepsTheCallersKeys()
    {
        string path = _dir.File("model.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(1, name: "Digits"), metadata: new Dictionary<string, string> { ["epoch"] = "12", ["dataset"] = "mnist" });

        var metadata = Checkpoint.ReadMetadata(path);
        Assert.Equal("pt", metadata[CheckpointMetadata.Format]);
        Assert.Equal("1", metadata[CheckpointMetadata.FormatVersion]);
        Assert.Equal("Digits", metadata[CheckpointMetadata.Network]);
        Assert.Equal("12", metadata["epoch"]);
        Assert.Equal("mnist", metadata["dataset"]);
        Assert.False(metadata.ContainsKey(CheckpointMetadata.OptimizerType));
    }

    [Fact]
    public void ReservedMetadataKeysAreRefused()
    {
        string path = _dir.File("model.safetensors");
        var error = Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, TinyMlp.Seeded(1), metadata: new Dictionary<string, string> { [CheckpointMetadata.Network] = "x" }));
        Assert.Contains(CheckpointMetadata.Network, error.Message);
        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public void MissingParameterIsReported()
    {
        string path = WriteEdited(TinyMlp.Seeded(14), drop: "2.bias");
        var error = AssertLoadFails(path, TinyMlp.Seeded(15), "2.bias");
        Assert.Contains("has this parameter [2], but the checkpoint has no tensor of that name", error.Message);
        Assert.Contains("strict: false", error.Advice);
    }

    [Fact]
    public void AllMissingParametersAreListed()
    {
        string path = _dir.File("empty.safetensors");
        SafetensorsWriter.Write(path, [], new Dictionary<string, string> { [CheckpointMetadata.Network] = "Other" });
        var error = AssertLoadFails(path, TinyMlp.Seeded(15), "0.weight");
        Assert.Contains("nor '0.bias', '2.weight', '2.bias'", error.Message);
        Assert.Contains("saved from network 'Other'", error.Message);
    }

    [Fact]
    public void NonStrictLoadKeepsMissingParametersAndListsThem()
    {
        var source = TinyMlp.Seeded(16);
        string path = WriteEdited(source, drop: "0.bias");
        var target = TinyMlp.Seeded(17);
        float[] keptBias = target.ParameterTable.Slice(target.Parameters, "0.bias").ToArray();

        var result = Checkpoint.Load(path, target, strict: false);

        Assert.Equal(["0.bias"], result.MissingTensors);
        Assert.Empty(result.UnexpectedTensors);
        Assert.Equal(keptBias, target.ParameterTable.Slice(target.Parameters, "0.bias").ToArray());
        foreach (string name in new[] { "0.weight", "2.weight", "2.bias" })
            Assert.Equal(source.ParameterTable.Slice(source.Parameters, name).ToArray(), target.ParameterTable.Slice(target.Parameters, name).ToArray());
    }

    [Fact]
    public void ExtraTensorIsReported()
    {
        string path = WriteEdited(TinyMlp.Seeded(18), extra: new SafetensorsTensor("4.weight", [1, 2], new[] { 1f, 2f }));
        var error = AssertLoadFails(path, TinyMlp.Seeded(19), "4.weight");
        Assert.Contains("holds this tensor [1, 2], but network 'TinyMlp' has no parameter of that name", error.Message);
    }

    [Fact]
    public void NonStrictLoadIgnoresExtraTensorsAndListsThem()
    {
        var source = TinyMlp.Seeded(20);
        string path = WriteEdited(source, extra: new SafetensorsTensor("4.weight", [1, 2], new[] { 1f, 2f }));
        var target = TinyMlp.Seeded(21);

        var result = Checkpoint.Load(path, target, strict: false);

        Assert.Equal(["4.weight"], result.UnexpectedTensors);
        Assert.Empty(result.MissingTensors);
        Assert.False(result.IsExactMatch);
        Assert.Equal(Bits(source), Bits(target));
    }

    [Fact]
    public void WrongShapeIsReportedWithBothShapes()
    {
        string path = _dir.File("wide.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(22, hidden: 5));

        // The first tensor in table order whose shape differs.
        var error = AssertLoadFails(path, TinyMlp.Seeded(23, hidden: 3), "0.weight");
        Assert.Contains("shape [3, 4] in network 'TinyMlp' but [5, 4] in the checkpoint", error.Message);
        Assert.Contains("different layer sizes", error.Advice);

        // Also when not strict: a wrong shape is never skipped.
        AssertLoadFails(path, TinyMlp.Seeded(23, hidden: 3), "0.weight", strict: false);
    }

    [Fact]
    public void TransposedWeightIsCalledOut()
    {
        var source = TinyMlp.Seeded(24);
        var tensors = source.ParameterTable.Parameters
            .Select(p => new SafetensorsTensor(p.Name, p.Name == "0.weight" ? [4, 3] : p.Shape, source.Parameters.Slice(p.Offset, p.Count).ToArray()));
        string path = _dir.File("transposed.safetensors");
        SafetensorsWriter.Write(path, tensors);

        var error = AssertLoadFails(path, TinyMlp.Seeded(25), "0.weight");
        Assert.Contains("transposed", error.Message);
        Assert.Contains("[out, in]", error.Message);
    }

    [Fact]
    public void DamagedFileLeavesTheNetworkUnchanged()
    {
        string path = _dir.File("model.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(26));
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^1]);

        AssertLoadFails(path, TinyMlp.Seeded(27), "2.weight");
    }

    [Fact]
    public void ArenaThatDisagreesWithTheTableIsAnArgumentError()
    {
        string path = _dir.File("model.safetensors");
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, new MismatchedArena()));
        Assert.Empty(_dir.Entries());
    }

    /// <summary>A network whose arena is one float short of its table.</summary>
    private sealed class MismatchedArena : INetwork
    {
        private readonly TinyMlp _inner = new();
        private readonly float[] _arena = new float[22];
        public string Name => "Mismatched";
        public int InputSize => 4;
        public int OutputSize => 2;
        public int BatchCapacity => 1;
        public ParameterTable ParameterTable => _inner.ParameterTable;
        public Span<float> Parameters => _arena;
        public bool CheckFinite { get; set; }
        public void Forward(ReadOnlySpan<float> input, Span<float> output) => _inner.Forward(input, output);
    }
}
