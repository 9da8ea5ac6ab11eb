namespace GraphGen.Gpu.Tests;

/// <summary>
/// A generated network on ILGPU's CPU accelerator against the same network on the CPU path: the
/// outputs, loss, every gradient and the parameters after Adam steps (<see cref="DeviceAgreement"/>). The GPU kernels compute in
/// float with another summation order (and the device may contract a·b + c into one FMA), so they
/// agree to a relative tolerance, not bit for bit.
/// </summary>
[Collection(DeviceCollection.Name)]
public class NetworkOnDeviceTests(DeviceFixture fixture)
{
    private const int Batch = 6;
    private const double Tolerance = 2e-5;

    [Fact]
    public void SmallMlpMatchesTheCpu()
    {
        var x = GradientChecks.RandomInputs(Batch * 12, 1);
        var y = GradientChecks.RandomLabels(Batch, 5, 2);
        var cpu = new SmallMlp(batchCapacity: 8, seed: 3);
        var gpu = new SmallMlp(batchCapacity: 8, seed: 3);
        gpu.UseDevice(fixture.Device);
        DeviceAgreement.Check(cpu, gpu, x, y, Batch, Tolerance, parameterTolerance: 1e-5, steps: 3);
    }

    [Fact]
    public void TheSameRunTwiceGivesTheSameBits()
    {
        float[] Run()
        {
            var x = GradientChecks.RandomInputs(Batch * 12, 5);
            var y = GradientChecks.RandomLabels(Batch, 5, 6);
            var net = new SmallMlp(batchCapacity: 8, seed: 7);
            net.UseDevice(fixture.Device);
            var adam = new AdamW(1e-2f);
            var losses = new List<float>();
            for (int step = 0; step < 3; step++) losses.Add(net.TrainStep(x, y, adam));
            return [.. losses, .. net.Parameters.ToArray(), .. net.Gradients.ToArray()];
        }
        Assert.Equal(Run(), Run());
    }
}
