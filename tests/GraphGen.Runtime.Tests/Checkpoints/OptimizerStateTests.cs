namespace GraphGen.Runtime.Tests.Checkpoints;

public class OptimizerStateTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Deterministic, step-dependent gradients for the 23-float TinyMlp arena.</summary>
    private static float[] Gradient(int step) =>
        Enumerable.Range(0, 23).Select(i => MathF.Sin(0.37f * i + step) * (i % 3 == 0 ? 0.5f : 1f)).ToArray();

    private static (TinyMlp Network, TOptimizer Optimizer) Trained<TOptimizer>(TOptimizer optimizer, int steps) where TOptimizer : Optimizer
    {
        var network = TinyMlp.Seeded(31);
        for (int t = 0; t < steps; t++) optimizer.Step(network.Parameters, Gradient(t));
        return (network, optimizer);
    }

    /// <summary>Rewrites a checkpoint, letting <paramref name="edit"/> rename, reshape or drop (null) each tensor.</summary>
    private string Rewrite(string path, Func<string, CheckpointTensor, (string, CheckpointTensor)?> edit, Action<Dictionary<string, string>>? editMetadata = null)
    {
        var metadata = Checkpoint.ReadMetadata(path).ToDictionary();
        editMetadata?.Invoke(metadata);
        var tensors = new List<SafetensorsTensor>();
        foreach (var (name, tensor) in Checkpoint.ReadTensors(path))
            if (edit(name, tensor) is var (newName, newTensor))
                tensors.Add(new SafetensorsTensor(newName, newTensor.Shape, newTensor.Values));
        string edited = _dir.File($"edited-{Guid.NewGuid():N}.safetensors");
        SafetensorsWriter.Write(edited, tensors, metadata);
        return edited;
    }

    private static void AssertSameState(Optimizer expected, Optimizer actual)
    {
        Assert.Equal(expected.StepCount, actual.StepCount);
        Assert.Equal(expected.State.Select(s => s.Name), actual.State.Select(s => s.Name));
        for (int s = 0; s < expected.State.Count; s++)
            Assert.Equal(Bits(expected.State[s].Values), Bits(actual.State[s].Values));
    }

    public static TheoryData<string> Optimizers => ["adam", "adamw", "sgd-momentum", "sgd-nesterov", "sgd"];

    private static Optimizer Make(string kind) => kind switch
    {
        "adam" => new Adam(1e-2f),
        "adamw" => new AdamW(1e-2f, weightDecay: 0.1f),
        "sgd-momentum" => new Sgd(0.05f, momentum: 0.9f),
        "sgd-nesterov" => new Sgd(0.05f, momentum: 0.9f, nesterov: true),
        "sgd" => new Sgd(0.05f),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void TrainingResumesExactlyWhereItStopped(string kind)
    {
        var (network, optimizer) = Trained(Make(kind), steps: 3);
        string path = _dir.File("resume.safetensors");
        Checkpoint.Save(path, network, optimizer);

        var resumedNetwork = TinyMlp.Seeded(32);
        var resumedOptimizer = Make(kind);
        var result = Checkpoint.Load(path, resumedNetwork, resumedOptimizer);

        Assert.True(result.IsExactMatch);
        Assert.Equal(3, resumedOptimizer.StepCount);
        Assert.Equal(Bits(network.Parameters), Bits(resumedNetwork.Parameters));
        AssertSameState(optimizer, resumedOptimizer);

        // Adam's bias correction depends on the step count, momentum on the buffers: the next
        // steps agree bit for bit only if both were restored.
        for (int t = 3; t < 5; t++)
        {
            optimizer.Step(network.Parameters, Gradient(t));
            resumedOptimizer.Step(resumedNetwork.Parameters, Gradient(t));
        }
        Assert.Equal(Bits(network.Parameters), Bits(resumedNetwork.Parameters));
        AssertSameState(optimizer, resumedOptimizer);
    }

    [Fact]
    public void StateIsStoredPerParameterWithTheParametersShape()
    {
        var (network, adam) = Trained(new Adam(), steps: 2);
        string path = _dir.File("adam.safetensors");
        Checkpoint.Save(path, network, adam);

        var tensors = Checkpoint.ReadTensors(path);
        var metadata = Checkpoint.ReadMetadata(path);
        Assert.Equal(4 + 2 * 4, tensors.Count);
        var expAvg = adam.State.Single(s => s.Name == "exp_avg").Values;
        foreach (var p in network.ParameterTable.Parameters)
        {
            var stored = tensors[$"optimizer.{p.Name}.exp_avg"];
            Assert.Equal(p.Shape, stored.Shape);
            Assert.Equal(expAvg.AsSpan(p.Offset, p.Count).ToArray(), stored.Values);
            Assert.Equal(p.Shape, tensors[$"optimizer.{p.Name}.exp_avg_sq"].Shape);
        }
        Assert.Equal("Adam", metadata[CheckpointMetadata.OptimizerType]);
        Assert.Equal(adam.ToString(), metadata[CheckpointMetadata.OptimizerDescription]);
        Assert.Equal("2", metadata[CheckpointMetadata.OptimizerStepCount]);
    }

    [Fact]
    public void PlainSgdStoresOnlyTheStepCount()
    {
        var (network, sgd) = Trained(new Sgd(0.1f), steps: 4);
        string path = _dir.File("sgd.safetensors");
        Checkpoint.Save(path, network, sgd);

        Assert.DoesNotContain(Checkpoint.ReadTensors(path).Keys, n => n.StartsWith("optimizer.", StringComparison.Ordinal));
        Assert.Equal("4", Checkpoint.ReadMetadata(path)[CheckpointMetadata.OptimizerStepCount]);
    }

    [Fact]
    public void FreshOptimizerSavesZeroState()
    {
        string path = _dir.File("fresh.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(33), new Adam());

        var tensors = Checkpoint.ReadTensors(path);
        Assert.All(tensors.Where(t => t.Key.StartsWith("optimizer.", StringComparison.Ordinal)), t => Assert.All(t.Value.Values, v => Assert.Equal(0f, v)));
        Assert.Equal("0", Checkpoint.ReadMetadata(path)[CheckpointMetadata.OptimizerStepCount]);
    }

    [Fact]
    public void LoadingWithoutAnOptimizerIgnoresItsState()
    {
        var (network, adam) = Trained(new Adam(), steps: 2);
        string path = _dir.File("adam.safetensors");
        Checkpoint.Save(path, network, adam);

        var inference = TinyMlp.Seeded(34);
        var result = Checkpoint.Load(path, inference);

        Assert.True(result.IsExactMatch);
        Assert.Equal(Bits(network.Parameters), Bits(inference.Parameters));
    }

    [Fact]
    public void OptimizerTensorsWithoutOptimizerMetadataAreUnexpected()
    {
        // Without "graphgen.optimizer.type" an "optimizer.*" tensor is an ordinary stray tensor.
        var (network, adam) = Trained(new Adam(), steps: 1);
        string path = _dir.File("adam.safetensors");
        Checkpoint.Save(path, network, adam);
        string stripped = Rewrite(path, (n, t) => (n, t), m => m.Remove(CheckpointMetadata.OptimizerType));

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(stripped, TinyMlp.Seeded(35)));
        Assert.Equal("optimizer.0.bias.exp_avg", error.TensorName);
    }

    /// <summary>The load throws; network and optimizer (state and step count) are exactly as before.</summary>
    private static CheckpointException AssertLoadFails(string path, Optimizer optimizer, string? tensor, bool strict = true)
    {
        var network = TinyMlp.Seeded(36);
        optimizer.Step(network.Parameters, Gradient(7));
        int[] parameters = Bits(network.Parameters);
        long steps = optimizer.StepCount;
        var state = optimizer.State.Select(s => Bits(s.Values)).ToArray();

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, network, optimizer, strict));

        Assert.Equal(path, error.FilePath);
        Assert.Equal(tensor, error.TensorName);
        Assert.Equal(parameters, Bits(network.Parameters));
        Assert.Equal(steps, optimizer.StepCount);
        Assert.Equal(state, optimizer.State.Select(s => Bits(s.Values)).ToArray());
        return error;
    }

    [Fact]
    public void OptimizerRequestedButNotSaved()
    {
        string path = _dir.File("plain.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(37));

        var error = AssertLoadFails(path, new Adam(), "optimizer.0.weight.exp_avg");
        Assert.Contains("saved without an optimizer", error.Message);
        Assert.Contains("optimizer: null", error.Advice);
    }

    [Fact]
    public void FreshOptimizerStaysFreshWhenTheLoadFails()
    {
        string path = _dir.File("plain.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(37));
        var adam = new Adam();

        Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, TinyMlp.Seeded(38), adam));

        Assert.Equal(0, adam.StepCount);
        Assert.All(adam.State, s => Assert.All(s.Values, v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void PlainSgdRequestedButNoStepCountSaved()
    {
        string path = _dir.File("plain.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(37));

        var error = AssertLoadFails(path, new Sgd(0.1f), null);
        Assert.Contains(CheckpointMetadata.OptimizerStepCount, error.Message);
    }

    [Fact]
    public void OtherKindOfOptimizerIsMissingItsState()
    {
        var (network, adam) = Trained(new Adam(), steps: 2);
        string path = _dir.File("adam.safetensors");
        Checkpoint.Save(path, network, adam);

        var error = AssertLoadFails(path, new Sgd(0.1f, momentum: 0.9f), "optimizer.0.weight.momentum_buffer");
        Assert.Contains("it was saved with Adam(lr=", error.Message);
    }

    [Fact]
    public void StateTheOptimizerDoesNotUseIsUnexpected()
    {
        var (network, adam) = Trained(new Adam(), steps: 2);
        string path = _dir.File("adam.safetensors");
        Checkpoint.Save(path, network, adam);

        var error = AssertLoadFails(path, new Sgd(0.1f), "optimizer.0.bias.exp_avg");
        Assert.Contains("optimizer state [3], which SGD(lr=0.1", error.Message);
        Assert.Contains("and 7 more", error.Message);

        var sgd = new Sgd(0.1f);
        var target = TinyMlp.Seeded(39);
        var result = Checkpoint.Load(path, target, sgd, strict: false);
        Assert.Equal(8, result.UnexpectedTensors.Count);
        Assert.Equal(2, sgd.StepCount);
        Assert.Equal(Bits(network.Parameters), Bits(target.Parameters));
    }

    [Fact]
    public void MissingStateForOneParameter()
    {
        var (network, sgd) = Trained(new Sgd(0.1f, momentum: 0.5f), steps: 2);
        string path = _dir.File("sgd.safetensors");
        Checkpoint.Save(path, network, sgd);
        string edited = Rewrite(path, (n, t) => n == "optimizer.2.bias.momentum_buffer" ? null : (n, t));

        var error = AssertLoadFails(edited, new Sgd(0.1f, momentum: 0.5f), "optimizer.2.bias.momentum_buffer");
        Assert.Contains("keeps 'momentum_buffer' for parameter '2.bias'", error.Message);
        // Incomplete optimizer state is refused even when not strict.
        AssertLoadFails(edited, new Sgd(0.1f, momentum: 0.5f), "optimizer.2.bias.momentum_buffer", strict: false);
    }

    [Fact]
    public void StateOfTheWrongShape()
    {
        var (network, adam) = Trained(new Adam(), steps: 2);
        string path = _dir.File("adam.safetensors");
        Checkpoint.Save(path, network, adam);
        string edited = Rewrite(path, (n, t) => n == "optimizer.2.weight.exp_avg_sq" ? (n, t with { Shape = [6] }) : (n, t));

        var error = AssertLoadFails(edited, new Adam(), "optimizer.2.weight.exp_avg_sq");
        Assert.Contains("optimizer state has shape [2, 3] in network 'TinyMlp' but [6] in the checkpoint", error.Message);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData(" 3")]
    [InlineData("99999999999999999999")]
    public void DamagedStepCount(string stepCount)
    {
        var (network, adam) = Trained(new Adam(), steps: 2);
        string path = _dir.File("adam.safetensors");
        Checkpoint.Save(path, network, adam);
        string edited = Rewrite(path, (n, t) => (n, t), m => m[CheckpointMetadata.OptimizerStepCount] = stepCount);

        var error = AssertLoadFails(edited, new Adam(), null);
        Assert.Contains($"is \"{stepCount}\", not a whole number of steps", error.Message);
    }

    [Fact]
    public void OptimizerBoundToAnotherNetworkIsRefusedBeforeAnythingChanges()
    {
        var (network, adam) = Trained(new Adam(), steps: 2);
        string path = _dir.File("adam.safetensors");
        Checkpoint.Save(path, network, adam);
        var other = new Adam();
        other.Step(new float[10], new float[10]);
        var target = TinyMlp.Seeded(40);
        int[] before = Bits(target.Parameters);

        Assert.Throws<InvalidOperationException>(() => Checkpoint.Load(path, target, other));

        Assert.Equal(before, Bits(target.Parameters));
        Assert.Equal(1, other.StepCount);
    }
}
