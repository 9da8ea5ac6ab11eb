
namespace GraphGen.Network.Tests;

/// <summary>
/// Inference pools as the convolutions write (Conv2d.ForwardMaxPooled), unless an activation
/// observer is attached, which then sees every activation: both give the same output bits, and the
/// same as the eager interpreter in inference mode.
/// </summary>
public class PooledInferenceTests
{
    private sealed class Recorder : IActivationObserver
    {
        public List<string> Names { get; } = [];

        public void Observe(TensorInfo tensor, ReadOnlySpan<float> values, int batch) => Names.Add(tensor.Name);
    }

    [Fact]
    public void ObservedInferenceStoresThePooledActivationsAndGivesTheSameBits()
    {
        const int batch = 6;
        var net = new PooledStemNet(batchCapacity: batch, seed: 3);
        var x = GradientChecks.RandomInputs(batch * PooledStemNet.Layout.InputSize, 4, -2, 3);
        var y = GradientChecks.RandomLabels(batch, 3, 5);
        net.ComputeGradients(x, y);     // running statistics away from their initial values

        var fused = new float[batch * 3];
        net.Forward(x, fused);
        var recorder = new Recorder();
        var observed = new float[fused.Length];
        net.Forward(x, observed, recorder);

        Assert.Equal(fused.Select(BitConverter.SingleToInt32Bits), observed.Select(BitConverter.SingleToInt32Bits));
        // The ReLU outputs the pooling reads are stored (and shown) only while observed.
        Assert.Equal(["stem2", "p1", "c2", "p2"], recorder.Names.Take(4));
        var model = GradientChecks.Reference(net, 3);
        GradientChecks.AssertAllClose(model.Forward(x).Data, fused, 1e-4, "inference output against the eager interpreter");
    }
}
