namespace GraphGen.Gpu.Tests;

/// <summary>
/// <see cref="TinyVae"/> on ILGPU's CPU accelerator against the CPU path: the device draws the
/// CPU's noise (within float rounding), so outputs, the loss, every gradient and Adam steps agree;
/// and a second run on the device gives the same bits.
/// </summary>
[Collection(DeviceCollection.Name)]
public class StochasticNetworkTests(DeviceFixture fixture)
{
    private const int Batch = 4;
    // Float on both sides in other orders, and ε within 4e-7 of the CPU's: relative 2e-5.
    private const double Tolerance = 2e-5;

    private static float[] Images() => GradientChecks.RandomInputs(Batch * TinyVae.Pixels, 31, 0f, 1f);

    [Fact]
    public void VaeMatchesTheCpu()
    {
        var x = Images();
        var cpu = new TinyVae(batchCapacity: 4, seed: 3);
        var device = new TinyVae(batchCapacity: 4, seed: 3);
        device.UseDevice(fixture.Device);
        DeviceAgreement.Check(cpu, device, x, x, Batch, Tolerance);
    }

    [Fact]
    public void VaeRunsTwiceToTheSameBits()
    {
        var x = Images();
        float[] Run()
        {
            var net = new TinyVae(batchCapacity: 4, seed: 5);
            net.UseDevice(fixture.Device);
            var adam = new Adam(1e-2f);
            float loss = net.TrainStep(x, x, adam);
            return [loss, .. net.Parameters.ToArray(), .. net.Gradients.ToArray()];
        }
        Bits.Equal(Run(), Run(), "losses, parameters and gradients");
    }
}
