namespace GraphGen.Gpu.Tests;

/// <summary>
/// The checks of NetworkOnDeviceTests for any network: the same network on the device and on the
/// CPU, created with the same seed and called in the same order (so their step counters, and with
/// them dropout masks and noise, are the same), agree on every output, the loss, every gradient
/// and the parameters and losses of a few Adam steps.
/// </summary>
internal static class DeviceAgreement
{
    /// <summary>
    /// Runs the comparison: outputs, loss and gradients within <paramref name="tolerance"/> (relative to
    /// max(1, |CPU value|)), parameters after <paramref name="steps"/> Adam steps within
    /// <paramref name="parameterTolerance"/> (the tolerance unless given).
    /// </summary>
    public static void Check<T>(TrainableNetwork<T> cpu, TrainableNetwork<T> device, float[] x, T[] targets, int batch, double tolerance,
        double? parameterTolerance = null, int steps = 2)
        where T : unmanaged
    {
        Assert.StartsWith("ilgpu-cpu", device.Device);
        var cpuOut = new float[batch * cpu.OutputSize];
        var deviceOut = new float[batch * device.OutputSize];
        cpu.Forward(x, cpuOut);
        device.Forward(x, deviceOut);
        for (int o = 0; o < cpu.OutputSizes.Count; o++)
            Close.All(cpu.LastOutputAt(o), device.LastOutputAt(o), tolerance, $"inference output {o}");

        float cpuLoss = cpu.ComputeGradients(x, targets), deviceLoss = device.ComputeGradients(x, targets);
        Loss(cpuLoss, deviceLoss, tolerance, "loss");
        for (int o = 0; o < cpu.OutputSizes.Count; o++)
            Close.All(cpu.LastOutputAt(o), device.LastOutputAt(o), tolerance, $"training output {o}");
        foreach (var p in cpu.ParameterTable.Parameters)
            Close.All(cpu.Gradients.Slice(p.Offset, p.Count), device.Gradients.Slice(p.Offset, p.Count), tolerance, "d" + p.Name);

        var cpuAdam = new Adam(1e-2f);
        var deviceAdam = new Adam(1e-2f);
        for (int step = 0; step < steps; step++)
            Loss(cpu.TrainStep(x, targets, cpuAdam), device.TrainStep(x, targets, deviceAdam), tolerance, $"loss of Adam step {step + 1}");
        Close.All(cpu.Parameters, device.Parameters, parameterTolerance ?? tolerance, $"parameters after {steps} Adam steps");
        Assert.Equal(cpu.TrainingSteps, device.TrainingSteps);
        Assert.Equal(cpu.EvaluationSteps, device.EvaluationSteps);
    }

    private static void Loss(float cpu, float device, double tolerance, string what) =>
        Assert.True(Math.Abs(cpu - device) <= tolerance * Math.Max(1, Math.Abs(cpu)), $"{what}: device {device}, CPU {cpu}");
}
