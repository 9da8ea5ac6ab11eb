namespace GraphGen.Runtime.Tests.Checkpoints;

/// <summary>
/// What a well-formed file may still hold that would silently corrupt a run: NaN or infinite
/// values, a format version this build does not know, or the state of another kind of
/// optimizer. Each is refused with the file, the tensor (or metadata key) and the problem
/// named, and the network and optimizer are left exactly as they were.
/// </summary>
public class RefusedContentTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Rewrites a checkpoint through the raw writer, which checks nothing about values.</summary>
    private string Rewrite(string path, Func<string, CheckpointTensor, CheckpointTensor> edit, Action<Dictionary<string, string>>? editMetadata = null)
    {
        var metadata = Checkpoint.ReadMetadata(path).ToDictionary();
        editMetadata?.Invoke(metadata);
        var tensors = Checkpoint.ReadTensors(path).Select(t => new SafetensorsTensor(t.Key, t.Value.Shape, edit(t.Key, t.Value).Values)).ToList();
        string edited = _dir.File($"edited-{Guid.NewGuid():N}.safetensors");
        SafetensorsWriter.Write(edited, tensors, metadata);
        return edited;
    }

    private static CheckpointTensor WithValue(CheckpointTensor tensor, int index, float value)
    {
        var values = tensor.Values.ToArray();
        values[index] = value;
        return tensor with { Values = values };
    }

    /// <summary>The load throws a CheckpointException naming the file and tensor; network and optimizer are unchanged.</summary>
    private static CheckpointException AssertRefused(string path, string? tensor, Optimizer? optimizer = null, bool strict = true)
    {
        var network = TinyMlp.Seeded(50);
        int[] parameters = Bits(network.Parameters);
        long steps = optimizer?.StepCount ?? 0;
        var state = optimizer?.State.Select(s => Bits(s.Values)).ToArray();

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, network, optimizer, strict));

        Assert.Equal(path, error.FilePath);
        Assert.Equal(tensor, error.TensorName);
        Assert.Contains($"'{path}'", error.Message);
        if (tensor is not null) Assert.Contains($"'{tensor}'", error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.Advice));
        Assert.Equal(parameters, Bits(network.Parameters));
        if (optimizer is not null)
        {
            Assert.Equal(steps, optimizer.StepCount);
            Assert.Equal(state, optimizer.State.Select(s => Bits(s.Values)).ToArray());
        }
        return error;
    }

    private string SaveTrained(Optimizer optimizer, int steps = 2)
    {
        var network = TinyMlp.Seeded(51);
        var gradient = Enumerable.Range(0, network.Parameters.Length).Select(i => MathF.Cos(i)).ToArray();
        for (int t = 0; t < steps; t++) optimizer.Step(network.Parameters, gradient);
        string path = _dir.File($"trained-{Guid.NewGuid():N}.safetensors");
        Checkpoint.Save(path, network, optimizer);
        return path;
    }

    public static TheoryData<float> NonFinite => [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    [Theory]
    [MemberData(nameof(NonFinite))]
    public void NonFiniteParameterIsRefusedWithItsPosition(float bad)
    {
        string path = _dir.File("model.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(52));
        // "2.weight" is [2, 3]: element 4 is row 1, column 1.
        string edited = Rewrite(path, (name, t) => name == "2.weight" ? WithValue(t, 4, bad) : t);

        var error = AssertRefused(edited, "2.weight");
        Assert.Contains($"element 4 (index [1, 1]) is {bad}", error.Problem);
        Assert.Contains("ReadTensors", error.Advice);
    }

    [Fact]
    public void NonFiniteOptimizerStateIsRefused()
    {
        string path = SaveTrained(new Adam(1e-2f));
        string edited = Rewrite(path, (name, t) => name == "optimizer.0.bias.exp_avg_sq" ? WithValue(t, 2, float.PositiveInfinity) : t);

        var adam = new Adam(1e-2f);
        adam.Step(TinyMlp.Seeded(53).Parameters, new float[23]);
        var error = AssertRefused(edited, "optimizer.0.bias.exp_avg_sq", adam);
        Assert.Contains("element 2 (index [2]) is Infinity", error.Problem);

        // Without an optimizer its state is not loaded, so it is not checked either.
        var network = TinyMlp.Seeded(53);
        Assert.True(Checkpoint.Load(edited, network).IsExactMatch);
    }

    [Fact]
    public void InspectionStillReadsNonFiniteValues()
    {
        string path = _dir.File("model.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(54));
        string edited = Rewrite(path, (name, t) => name == "0.bias" ? WithValue(t, 0, float.NaN) : t);

        Assert.True(float.IsNaN(Checkpoint.ReadTensors(edited)["0.bias"].Values[0]));
    }

    [Theory]
    [MemberData(nameof(NonFinite))]
    public void SavingNonFiniteParametersIsRefusedAndKeepsThePreviousFile(float bad)
    {
        string path = _dir.File("model.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(55));
        byte[] previous = File.ReadAllBytes(path);
        var diverged = TinyMlp.Seeded(56);
        diverged.Parameters[13] = bad; // "0.bias" is [3] at offset 12

        var error = Assert.Throws<NonFiniteValueException>(() => Checkpoint.Save(path, diverged));

        Assert.Contains("'0.bias'", error.Message);
        Assert.Contains($"element 1 (index [1]) is {bad}", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _dir.Entries());
    }

    [Fact]
    public void SavingNonFiniteOptimizerStateIsRefused()
    {
        var network = TinyMlp.Seeded(57);
        var adam = new Adam();
        adam.Step(network.Parameters, new float[network.Parameters.Length]);
        adam.State[1].Values[20] = float.NaN; // exp_avg_sq of "2.weight" [2, 3], which spans offsets 15..20

        var error = Assert.Throws<NonFiniteValueException>(() => Checkpoint.Save(_dir.File("adam.safetensors"), network, adam));

        Assert.Contains("'optimizer.2.weight.exp_avg_sq'", error.Message);
        Assert.Empty(_dir.Entries());
    }

    [Theory]
    [InlineData("2", "newer")]
    [InlineData("999", "newer")]
    [InlineData("0", "not a version")]
    [InlineData("-1", "not a version")]
    [InlineData("one", "not a version")]
    [InlineData("", "not a version")]
    public void UnknownFormatVersionIsRefused(string version, string words)
    {
        string path = _dir.File("model.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(58));
        string edited = Rewrite(path, (_, t) => t, m => m[CheckpointMetadata.FormatVersion] = version);

        var error = AssertRefused(edited, null);
        Assert.Contains(CheckpointMetadata.FormatVersion, error.Problem);
        Assert.Contains($"\"{version}\"", error.Problem);
        Assert.Contains(words, error.Problem);
        Assert.Contains($"version {CheckpointMetadata.CurrentFormatVersion}", error.Problem);
    }

    [Fact]
    public void FileWithoutAFormatVersionLoadsAsAPlainStateDict()
    {
        // PyTorch's safetensors.torch.save_file writes no GraphGen metadata at all.
        var source = TinyMlp.Seeded(59);
        string path = _dir.File("model.safetensors");
        Checkpoint.Save(path, source);
        string edited = Rewrite(path, (_, t) => t, m => m.Clear());

        var target = TinyMlp.Seeded(60);
        Assert.True(Checkpoint.Load(edited, target).IsExactMatch);
        Assert.Equal(Bits(source.Parameters), Bits(target.Parameters));
    }

    [Theory]
    [InlineData("adam", "adamw")]
    [InlineData("adamw", "adam")]
    public void StateOfAnotherKindOfOptimizerIsRefused(string saved, string loaded)
    {
        Optimizer Make(string kind) => kind == "adam" ? new Adam(1e-2f) : new AdamW(1e-2f);
        string path = SaveTrained(Make(saved));
        var target = Make(loaded);
        target.Step(TinyMlp.Seeded(61).Parameters, new float[23]);

        var error = AssertRefused(path, null, target);

        Assert.Contains(CheckpointMetadata.OptimizerType, error.Problem);
        Assert.Contains($"saved with {Make(saved).GetType().Name}(", error.Problem);
        Assert.Contains($"into {target}", error.Problem);
        Assert.Contains("optimizer: null", error.Advice);
        Assert.Contains("strict: false", error.Advice);
    }

    [Fact]
    public void NonStrictLoadCarriesAdamStateIntoAdamW()
    {
        // Switching from Adam to AdamW mid-run and keeping the moments is a deliberate choice: strict: false.
        var adam = new Adam(1e-2f);
        string path = SaveTrained(adam, steps: 3);
        var adamW = new AdamW(1e-2f);

        var result = Checkpoint.Load(path, TinyMlp.Seeded(62), adamW, strict: false);

        Assert.True(result.IsExactMatch);
        Assert.Equal(3, adamW.StepCount);
        Assert.Equal(Bits(adam.State[0].Values), Bits(adamW.State[0].Values));
    }
}
