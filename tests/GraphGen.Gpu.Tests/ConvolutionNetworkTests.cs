namespace GraphGen.Gpu.Tests;

/// <summary>
/// The convolutional network on ILGPU's CPU accelerator against the same network on the CPU path
/// (<see cref="DeviceAgreement"/>). The kernels sum in other orders than
/// the CPU's (and BatchNorm over a small batch magnifies a difference by 1/σ), so they agree to a
/// relative tolerance, not bit for bit.
/// </summary>
[Collection(DeviceCollection.Name)]
public class ConvolutionNetworkTests(DeviceFixture fixture)
{
    private const int Batch = 4;
    private const double Tolerance = 2e-5;   // measured: at most 3e-6 (dbias of the depthwise conv)

    [Fact]
    public void SmallCnnMatchesTheCpu() => MatchesTheCpu(seed => new SmallCnn(batchCapacity: 6, seed: seed), 11);

    [Fact]
    public void ResidualCnnMatchesTheCpu() => MatchesTheCpu(seed => new ResidualCnn(batchCapacity: 6, seed: seed), 21);

    /// <summary>Two copies of a network from one seed, one on the device, through <see cref="DeviceAgreement"/> (5 classes).</summary>
    private void MatchesTheCpu(Func<int, TrainableNetwork<int>> create, int seed)
    {
        var cpu = create(seed + 2);
        var device = create(seed + 2);
        device.UseDevice(fixture.Device);
        var x = GradientChecks.RandomInputs(Batch * cpu.InputSize, (ulong)seed);
        var y = GradientChecks.RandomLabels(Batch, 5, (ulong)seed + 1);
        DeviceAgreement.Check(cpu, device, x, y, Batch, Tolerance);
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
            // One step runs every kernel of the network once (and AdamW's update); two runs must agree bit for bit.
            float loss = net.TrainStep(x, y, new AdamW(1e-2f));
            return [loss, .. net.Parameters.ToArray(), .. net.State.ToArray(), .. net.Gradients.ToArray()];
        }
        Bits.Same(Run(), Run(), "loss, parameters, running statistics and gradients");
    }
}
