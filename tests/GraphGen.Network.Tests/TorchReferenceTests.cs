namespace GraphGen.Network.Tests;

/// <summary>
/// The generated code against PyTorch 1.13 on whole networks (Fixtures/TorchNetworkFixtures.cs, a
/// CNN and a small transformer): with PyTorch's initial parameters loaded by name, the loss, every
/// parameter's gradient, one Adam step and BatchNorm's running statistics match what PyTorch computed.
/// </summary>
public class TorchReferenceTests
{
    private static TorchCnn Load()
    {
        var net = new TorchCnn(batchCapacity: 6, seed: 0);
        Assert.Equal(TorchCnnFixture.Parameters.Keys.Order(), TorchCnn.ParameterTable.Parameters.Select(p => p.Name).Order());
        foreach (var (name, values) in TorchCnnFixture.Parameters)
            values.CopyTo(TorchCnn.ParameterTable.Slice(net.Parameters, name));
        return net;
    }

    [Fact]
    public void LossAndGradientsMatchPyTorch()
    {
        var net = Load();
        float loss = net.ComputeGradients(TorchCnnFixture.X, TorchCnnFixture.Y);
        Assert.Equal(TorchCnnFixture.Loss, loss, 5);
        var gradients = net.Gradients.ToArray();
        foreach (var (name, expected) in TorchCnnFixture.Gradients)
            Close(expected, TorchCnn.ParameterTable.Slice(gradients, name), 1e-4, name);
    }

    [Fact]
    public void OneAdamStepAndTheRunningStatisticsMatchPyTorch()
    {
        var net = Load();
        net.TrainStep(TorchCnnFixture.X, TorchCnnFixture.Y, new Adam(learningRate: 0.01f));
        var parameters = net.Parameters.ToArray();
        foreach (var (name, expected) in TorchCnnFixture.AfterAdamStep)
            Close(expected, TorchCnn.ParameterTable.Slice(parameters, name), 1e-5, name);
        var state = net.State.ToArray();
        foreach (var (name, expected) in TorchCnnFixture.RunningStatistics)
            Close(expected, TorchCnn.StateTable.Slice(state, name), 1e-5, name);
    }

    private static TinyGptTorch LoadGpt()
    {
        var net = new TinyGptTorch(batchCapacity: 4, seed: 0);
        Assert.Equal(TinyGptFixture.Parameters.Keys.Order(), TinyGptTorch.ParameterTable.Parameters.Select(p => p.Name).Order());
        foreach (var (name, values) in TinyGptFixture.Parameters)
            values.CopyTo(TinyGptTorch.ParameterTable.Slice(net.Parameters, name));
        return net;
    }

    [Fact]
    public void TransformerLossAndGradientsMatchPyTorch()
    {
        // Attention, LayerNorm, GELU, embeddings, and cross-entropy with ignored padding positions.
        var net = LoadGpt();
        float loss = net.ComputeGradients(TinyGptFixture.Ids, TinyGptFixture.Next);
        Assert.Equal(TinyGptFixture.Loss, loss, 5);
        var gradients = net.Gradients.ToArray();
        foreach (var (name, expected) in TinyGptFixture.Gradients)
            Close(expected, TinyGptTorch.ParameterTable.Slice(gradients, name), 1e-4, name);
    }

    [Fact]
    public void TransformerAdamStepMatchesPyTorch()
    {
        var net = LoadGpt();
        net.TrainStep(TinyGptFixture.Ids, TinyGptFixture.Next, new Adam(learningRate: 0.01f));
        var parameters = net.Parameters.ToArray();
        foreach (var (name, expected) in TinyGptFixture.AfterAdamStep)
        {
            // The key projection's bias adds the same q·b to every score of a row, which softmax
            // ignores: its gradient is 0 up to round-off, and Adam's first step, lr·g/(|g| + ε),
            // turns round-off into anything within ±lr. Those elements are checked within lr only.
            var gradient = TinyGptFixture.Gradients[name];
            var actual = TinyGptTorch.ParameterTable.Slice(parameters, name).ToArray();
            var initial = TinyGptFixture.Parameters[name];
            for (int i = 0; i < expected.Length; i++)
                if (Math.Abs(gradient[i]) < 1e-6f)
                    Assert.True(Math.Abs(actual[i] - initial[i]) <= 0.0101f, $"{name}[{i}]: a round-off gradient moved it by more than lr");
            var scored = Enumerable.Range(0, expected.Length).Where(i => Math.Abs(gradient[i]) >= 1e-6f).ToArray();
            if (scored.Length > 0) Close(scored.Select(i => expected[i]).ToArray(), scored.Select(i => actual[i]).ToArray(), 1e-5, name);
        }
    }

    /// <summary>|PyTorch − GraphGen| ≤ tolerance × the largest PyTorch magnitude (at least 1e−3), element by element.</summary>
    private static void Close(float[] expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: PyTorch has {expected.Length} values, GraphGen {actual.Length}");
        double scale = Math.Max(1e-3, expected.Max(v => Math.Abs((double)v)));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}[{i}]: PyTorch {expected[i]:R}, GraphGen {actual[i]:R} (scale {scale:G3})");
    }
}
