namespace GraphGen.Gpu.Tests;

/// <summary>
/// Checkpoints move between a network on the device and one on the CPU, both ways, optimizer state
/// included: the host copies are synchronised when read (a save) and sent back when written (a load).
/// </summary>
[Collection(DeviceCollection.Name)]
public class CheckpointOnDeviceTests(DeviceFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("graphgen-gpu-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (float[] X, int[] Y) Batch(ulong seed) => (GradientChecks.RandomInputs(6 * 12, seed), GradientChecks.RandomLabels(6, 5, seed + 1));

    [Fact]
    public void ADeviceCheckpointResumesOnTheCpu()
    {
        var (x, y) = Batch(11);
        var gpu = new SmallMlp(batchCapacity: 8, seed: 4);
        gpu.UseDevice(fixture.Device);
        var gpuAdam = new AdamW(1e-2f);
        for (int i = 0; i < 2; i++) gpu.TrainStep(x, y, gpuAdam);
        string path = Path.Combine(_dir, "gpu.safetensors");
        Checkpoint.Save(path, gpu, gpuAdam);

        var cpu = new SmallMlp(batchCapacity: 8, seed: 99);
        var cpuAdam = new AdamW(1e-2f);
        Checkpoint.Load(path, cpu, cpuAdam);
        Assert.Equal(gpu.Parameters.ToArray(), cpu.Parameters.ToArray());
        Assert.Equal(2, cpuAdam.StepCount);

        // One more step on each: the same update from the same state.
        gpu.TrainStep(x, y, gpuAdam);
        cpu.TrainStep(x, y, cpuAdam);
        Close.All(cpu.Parameters, gpu.Parameters, 1e-5, "parameters after resuming");
    }

    [Fact]
    public void ACpuCheckpointLoadsIntoANetworkOnTheDevice()
    {
        var (x, y) = Batch(21);
        var cpu = new SmallMlp(batchCapacity: 8, seed: 5);
        var adam = new Adam(1e-2f);
        for (int i = 0; i < 2; i++) cpu.TrainStep(x, y, adam);
        string path = Path.Combine(_dir, "cpu.safetensors");
        Checkpoint.Save(path, cpu, adam);

        var gpu = new SmallMlp(batchCapacity: 8, seed: 77);
        gpu.UseDevice(fixture.Device);
        gpu.Forward(x, new float[30]);   // the device holds the seed-77 parameters now
        var gpuAdam = new Adam(1e-2f);
        Checkpoint.Load(path, gpu, gpuAdam);
        var expected = new float[30];
        var actual = new float[30];
        cpu.Forward(x, expected);
        gpu.Forward(x, actual);
        Close.All(expected, actual, 2e-5, "output after loading");

        cpu.TrainStep(x, y, adam);
        gpu.TrainStep(x, y, gpuAdam);
        Close.All(cpu.Parameters, gpu.Parameters, 1e-5, "parameters after one more step");
    }

    [Fact]
    public void UseCpuBringsTheTrainedParametersBack()
    {
        var (x, y) = Batch(31);
        var net = new SmallMlp(batchCapacity: 8, seed: 6);
        net.UseDevice(fixture.Device);
        var sgd = new Sgd(0.1f, momentum: 0.9f, nesterov: true);
        for (int i = 0; i < 3; i++) net.TrainStep(x, y, sgd);
        net.UseCpu();
        Assert.Equal("cpu", net.Device);

        var reference = new SmallMlp(batchCapacity: 8, seed: 6);
        var referenceSgd = new Sgd(0.1f, momentum: 0.9f, nesterov: true);
        for (int i = 0; i < 3; i++) reference.TrainStep(x, y, referenceSgd);
        Close.All(reference.Parameters, net.Parameters, 1e-5, "parameters after SGD on the device");
        Close.All(referenceSgd.State[0].Values, sgd.State[0].Values, 1e-4, "momentum");
    }

    [Fact]
    public void ANetworkWithoutGpuPassesSaysSo()
    {
        var e = Assert.Throws<NotSupportedException>(() => new GraphGen.Examples.Iris.IrisNet().UseDevice(fixture.Device));
        Assert.Contains("must reference the GraphGen.Gpu package", e.Message);
    }
}
