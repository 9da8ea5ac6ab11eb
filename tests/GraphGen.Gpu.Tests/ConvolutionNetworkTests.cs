namespace GraphGen.Gpu.Tests;

/// <summary>
/// Generated networks of the convolutional family on ILGPU's CPU accelerator against the same
/// networks on the CPU path (<see cref="DeviceComparison"/>). The kernels sum in other orders than
/// the CPU's (and BatchNorm over a small batch magnifies a difference by 1/σ), so they agree to a
/// relative tolerance, not bit for bit.
/// </summary>
[Collection(DeviceCollection.Name)]
public class ConvolutionNetworkTests(DeviceFixture fixture)
{
    private const int Batch = 4;
    private const double Tolerance = 5e-5;

    [Fact]
    public void SmallCnnMatchesTheCpu()
    {
        var x = GradientChecks.RandomInputs(Batch * 2 * 10 * 10, 11);
        var y = GradientChecks.RandomLabels(Batch, 5, 12);
        DeviceComparison.TrainAndCompare(new SmallCnn(batchCapacity: 6, seed: 13), new SmallCnn(batchCapacity: 6, seed: 13),
            net => net.UseDevice(fixture.Device), x, y, Tolerance);
    }

    [Fact]
    public void LayerNormMlpMatchesTheCpu()
    {
        var x = GradientChecks.RandomInputs(Batch * 10, 14, low: -2f, high: 3f);
        var y = GradientChecks.RandomLabels(Batch, 4, 15);
        DeviceComparison.TrainAndCompare(new LayerNormMlp(batchCapacity: 6, seed: 16), new LayerNormMlp(batchCapacity: 6, seed: 16),
            net => net.UseDevice(fixture.Device), x, y, Tolerance);
    }

    [Fact]
    public void SmallCnnTrainsToTheSameBitsTwice()
    {
        float[] Run()
        {
            var x = GradientChecks.RandomInputs(Batch * 2 * 10 * 10, 17);
            var y = GradientChecks.RandomLabels(Batch, 5, 18);
            var net = new SmallCnn(batchCapacity: 6, seed: 19);
            net.UseDevice(fixture.Device);
            var adam = new AdamW(1e-2f);
            var losses = new List<float>();
            for (int step = 0; step < 2; step++) losses.Add(net.TrainStep(x, y, adam));
            return [.. losses, .. net.Parameters.ToArray(), .. net.State.ToArray(), .. net.Gradients.ToArray()];
        }
        Bits.Same(Run(), Run(), "losses, parameters, running statistics and gradients");
    }
}
