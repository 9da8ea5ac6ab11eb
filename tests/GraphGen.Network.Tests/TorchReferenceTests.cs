namespace GraphGen.Network.Tests;

/// <summary>
/// The generated code against PyTorch 1.13 on whole networks (Fixtures/TorchNetworkFixtures.cs, a
/// CNN and a small transformer): with PyTorch's initial parameters loaded by name, the loss, every
/// parameter's gradient, one Adam step and BatchNorm's running statistics match what PyTorch computed.
/// </summary>
public class TorchReferenceTests
{
    /// <summary>The network with PyTorch's parameters copied in by name (the names and layouts are the same).</summary>
    private static T Load<T>(T net, Dictionary<string, float[]> parameters) where T : INetwork
    {
        Assert.Equal(parameters.Keys.Order(), net.ParameterTable.Parameters.Select(p => p.Name).Order());
        foreach (var (name, values) in parameters)
            values.CopyTo(net.ParameterTable.Slice(net.Parameters, name));
        return net;
    }

    private static TorchCnn Load() => Load(new TorchCnn(batchCapacity: 6, seed: 0), TorchCnnFixture.Parameters);

    private static TinyGptTorch LoadGpt() => Load(new TinyGptTorch(batchCapacity: 4, seed: 0), TinyGptFixture.Parameters);

    [Fact]
    public void LossAndGradientsMatchPyTorch()
    {
        var net = Load();
        float loss = net.ComputeGradients(TorchCnnFixture.X, TorchCnnFixture.Y);
        Assert.Equal(TorchCnnFixture.Loss, loss, 5);
        var gradients = net.Gradients.ToArray();
        foreach (var (name, expected) in TorchCnnFixture.Gradients)
            Close(expected, TorchCnn.Layout.Parameters.Slice(gradients, name), 1e-4, name);
    }

    [Fact]
    public void OneAdamStepAndTheRunningStatisticsMatchPyTorch()
    {
        var net = Load();
        net.TrainStep(TorchCnnFixture.X, TorchCnnFixture.Y, new Adam(learningRate: 0.01f));
        var parameters = net.Parameters.ToArray();
        foreach (var (name, expected) in TorchCnnFixture.AfterAdamStep)
            Close(expected, TorchCnn.Layout.Parameters.Slice(parameters, name), 1e-5, name);
        var state = net.State.ToArray();
        foreach (var (name, expected) in TorchCnnFixture.RunningStatistics)
            Close(expected, TorchCnn.Layout.State.Slice(state, name), 1e-5, name);
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
            Close(expected, TinyGptTorch.Layout.Parameters.Slice(gradients, name), 1e-4, name);
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
            var actual = TinyGptTorch.Layout.Parameters.Slice(parameters, name).ToArray();
            var initial = TinyGptFixture.Parameters[name];
            for (int i = 0; i < expected.Length; i++)
                if (Math.Abs(gradient[i]) < 1e-6f)
                    Assert.True(Math.Abs(actual[i] - initial[i]) <= 0.0101f, $"{name}[{i}]: a round-off gradient moved it by more than lr");
            var scored = Enumerable.Range(0, expected.Length).Where(i => Math.Abs(gradient[i]) >= 1e-6f).ToArray();
            if (scored.Length > 0) Close(scored.Select(i => expected[i]).ToArray(), scored.Select(i => actual[i]).ToArray(), 1e-5, name);
        }
    }

    private static void Close(float[] expected, ReadOnlySpan<float> actual, double tolerance, string what) =>
        GradientChecks.AssertAllClose(expected.Select(v => (double)v).ToArray(), actual, tolerance, what, reference: "PyTorch");
}
