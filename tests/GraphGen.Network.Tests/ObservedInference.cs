
namespace GraphGen.Network.Tests;

/// <summary>
/// The check every inference fusion that keeps an observed branch needs: inference with an
/// activation observer attached (the unfused steps) and without (the fused ones) give the same
/// output bits, and the eager interpreter's output in inference mode.
/// </summary>
internal static class ObservedInference
{
    private sealed class Recorder : IActivationObserver
    {
        public List<string> Names { get; } = [];

        public void Observe(TensorInfo tensor, ReadOnlySpan<float> values, int batch) => Names.Add(tensor.Name);
    }

    /// <summary>
    /// One training pass first (the running statistics away from their initial values), then both
    /// inference passes on <paramref name="x"/>; returns the names of the tensors the observer saw, in order.
    /// </summary>
    public static List<string> AssertSameBitsAsFused(TrainableNetwork<int> net, float[] x, int[] labels, int batch)
    {
        net.ComputeGradients(x, labels);
        var fused = new float[batch * net.OutputSize];
        net.Forward(x, fused);
        var recorder = new Recorder();
        var observed = new float[fused.Length];
        net.Forward(x, observed, recorder);

        Assert.Equal(fused.Select(BitConverter.SingleToInt32Bits), observed.Select(BitConverter.SingleToInt32Bits));
        var model = GradientChecks.Reference(net, 3);
        GradientChecks.AssertAllClose(model.Forward(x).Data, fused, 1e-4, "inference output against the eager interpreter");
        return recorder.Names;
    }
}
