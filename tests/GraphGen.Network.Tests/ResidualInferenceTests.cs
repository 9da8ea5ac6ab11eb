
namespace GraphGen.Network.Tests;

/// <summary>
/// Inference adds each residual block's skip as its last convolution writes
/// (Conv2d.ForwardResidual), unless an activation observer is attached, which then sees the
/// convolution's output and the sum: both give the same output bits, the same as the eager
/// interpreter in inference mode, and training (which keeps the steps) still matches the eager
/// interpreter.
/// </summary>
public class ResidualInferenceTests
{
    private sealed class Recorder : IActivationObserver
    {
        public List<string> Names { get; } = [];

        public void Observe(TensorInfo tensor, ReadOnlySpan<float> values, int batch) => Names.Add(tensor.Name);
    }

    [Fact]
    public void ObservedInferenceStoresTheSumsAndGivesTheSameBits()
    {
        const int batch = 5;
        var net = new ResidualBlockNet(batchCapacity: batch, seed: 8);
        var x = GradientChecks.RandomInputs(batch * ResidualBlockNet.Layout.InputSize, 9, -2, 3);
        var y = GradientChecks.RandomLabels(batch, 3, 10);
        net.ComputeGradients(x, y);     // running statistics away from their initial values

        var fused = new float[batch * 3];
        net.Forward(x, fused);
        var recorder = new Recorder();
        var observed = new float[fused.Length];
        net.Forward(x, observed, recorder);

        Assert.Equal(fused.Select(BitConverter.SingleToInt32Bits), observed.Select(BitConverter.SingleToInt32Bits));
        // The block's last convolution (BatchNorm folded), its sum with the skip and the tail's sum
        // are stored (and shown) only while observed.
        Assert.Contains("f", recorder.Names);
        Assert.Contains(recorder.Names, name => name.StartsWith("add"));   // the block's sum, before its ReLU
        var model = GradientChecks.Reference(net, 3);
        GradientChecks.AssertAllClose(model.Forward(x).Data, fused, 1e-4, "inference output against the eager interpreter");
    }

    [Fact]
    public void TrainingStillMatchesTheEagerInterpreter()
    {
        const int batch = 3;
        var net = new ResidualBlockNet(batchCapacity: batch, seed: 11);
        GradientChecks.AssertMatchesEager(net, GradientChecks.RandomInputs(batch * ResidualBlockNet.Layout.InputSize, 12), GradientChecks.RandomLabels(batch, 3, 13));
    }
}
