namespace GraphGen.Network.Tests;

/// <summary>
/// The generated code against PyTorch 1.13 on a whole network (Fixtures/TorchCnnFixture.cs): with
/// PyTorch's initial parameters loaded by name, the loss, every parameter's gradient, one Adam step
/// and BatchNorm's running statistics match what PyTorch computed.
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

    /// <summary>|PyTorch − GraphGen| ≤ tolerance × the largest PyTorch magnitude (at least 1e−3), element by element.</summary>
    private static void Close(float[] expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: PyTorch has {expected.Length} values, GraphGen {actual.Length}");
        double scale = Math.Max(1e-3, expected.Max(v => Math.Abs((double)v)));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}[{i}]: PyTorch {expected[i]:R}, GraphGen {actual[i]:R} (scale {scale:G3})");
    }
}
