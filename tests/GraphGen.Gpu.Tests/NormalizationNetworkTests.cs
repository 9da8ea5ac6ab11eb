namespace GraphGen.Gpu.Tests;

/// <summary>
/// The layer-norm MLP on ILGPU's CPU accelerator against the same network on the CPU path
/// (<see cref="DeviceAgreement"/>): layer norm computes in double as the CPU does, the dense
/// layers' GEMMs add in another order, hence a relative tolerance.
/// </summary>
[Collection(DeviceCollection.Name)]
public class NormalizationNetworkTests(DeviceFixture fixture)
{
    private const int Batch = 4;
    private const double Tolerance = 2e-5;   // measured: at most 1.2e-6

    [Fact]
    public void LayerNormMlpMatchesTheCpu()
    {
        var x = GradientChecks.RandomInputs(Batch * 10, 14, low: -2f, high: 3f);
        var y = GradientChecks.RandomLabels(Batch, 4, 15);
        var cpu = new LayerNormMlp(batchCapacity: 6, seed: 16);
        var device = new LayerNormMlp(batchCapacity: 6, seed: 16);
        device.UseDevice(fixture.Device);
        DeviceAgreement.Check(cpu, device, x, y, Batch, Tolerance);
    }
}
