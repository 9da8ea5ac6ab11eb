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
    public void SmallCnnMatchesTheCpu()
    {
        var x = GradientChecks.RandomInputs(Batch * 2 * 10 * 10, 11);
        var y = GradientChecks.RandomLabels(Batch, 5, 12);
        var cpu = new SmallCnn(batchCapacity: 6, seed: 13);
        var device = new SmallCnn(batchCapacity: 6, seed: 13);
        device.UseDevice(fixture.Device);
        DeviceAgreement.Check(cpu, device, x, y, Batch, Tolerance);
    }

    [Fact]
    public void ResidualCnnMatchesTheCpu()
    {
        var x = GradientChecks.RandomInputs(Batch * 2 * 6 * 6, 21);
        var y = GradientChecks.RandomLabels(Batch, 5, 22);
        var cpu = new ResidualCnn(batchCapacity: 6, seed: 23);
        var device = new ResidualCnn(batchCapacity: 6, seed: 23);
        device.UseDevice(fixture.Device);
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
