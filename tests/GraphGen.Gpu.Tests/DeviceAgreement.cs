namespace GraphGen.Gpu.Tests;

/// <summary>
/// A network on the device against the same network on the CPU, created with the same seed and
/// called in the same order (so their step counters, and with them dropout masks and noise, are
/// the same), through every call a training loop makes: every inference output, the training-mode
/// loss, outputs and every parameter's gradient, Adam steps (each step's loss, then every
/// parameter, the non-trainable state such as BatchNorm's running statistics, Adam's moments and
/// the step counters), and the inference outputs and loss after training.
/// </summary>
internal static class DeviceAgreement
{
    /// <summary>
    /// Runs the comparison: outputs, losses, gradients and state within <paramref name="tolerance"/>
    /// (relative to max(1, |CPU value|)); parameters after <paramref name="steps"/> Adam steps within
    /// <paramref name="parameterTolerance"/> (the tolerance unless given), Adam's moments within ten
    /// times that.
    /// </summary>
    public static void Check<T>(TrainableNetwork<T> cpu, TrainableNetwork<T> device, float[] x, T[] targets, int batch, double tolerance,
        double? parameterTolerance = null, int steps = 2)
        where T : unmanaged
    {
        Assert.StartsWith("ilgpu-cpu", device.Device);
        double parameters = parameterTolerance ?? tolerance;
        CompareOutputs(cpu, device, x, batch, tolerance, "inference output before training");

        float cpuLoss = cpu.ComputeGradients(x, targets), deviceLoss = device.ComputeGradients(x, targets);
        Loss(cpuLoss, deviceLoss, tolerance, "training-mode loss");
        for (int o = 0; o < cpu.OutputSizes.Count; o++)
            Close.All(cpu.LastOutputAt(o), device.LastOutputAt(o), tolerance, $"training output {o}");
        foreach (var p in cpu.ParameterTable.Parameters)
            Close.All(cpu.Gradients.Slice(p.Offset, p.Count), device.Gradients.Slice(p.Offset, p.Count), tolerance, "d" + p.Name);

        var cpuAdam = new Adam(1e-2f);
        var deviceAdam = new Adam(1e-2f);
        for (int step = 0; step < steps; step++)
            Loss(cpu.TrainStep(x, targets, cpuAdam), device.TrainStep(x, targets, deviceAdam), tolerance, $"loss of Adam step {step + 1}");
        foreach (var p in cpu.ParameterTable.Parameters)
            Close.All(cpu.Parameters.Slice(p.Offset, p.Count), device.Parameters.Slice(p.Offset, p.Count), parameters, $"{p.Name} after {steps} Adam steps");
        foreach (var s in cpu.StateTable.Parameters)
            Close.All(cpu.State.Slice(s.Offset, s.Count), device.State.Slice(s.Offset, s.Count), tolerance, $"state {s.Name} after {steps} steps");
        Assert.Equal(cpuAdam.StepCount, deviceAdam.StepCount);
        for (int i = 0; i < cpuAdam.State.Count; i++)
            Close.All(cpuAdam.State[i].Values, deviceAdam.State[i].Values, 10 * parameters, $"Adam state {i}");
        Assert.Equal(cpu.TrainingSteps, device.TrainingSteps);

        CompareOutputs(cpu, device, x, batch, tolerance, "inference output after training (running statistics)");
        Loss(cpu.ComputeLoss(x, targets), device.ComputeLoss(x, targets), tolerance, "inference-mode loss after training");
        Assert.Equal(cpu.EvaluationSteps, device.EvaluationSteps);
    }

    /// <summary>Inference on both, then every output of the pass (a network may return several).</summary>
    private static void CompareOutputs(CompiledNetwork cpu, CompiledNetwork device, float[] x, int batch, double tolerance, string what)
    {
        var cpuOut = new float[batch * cpu.OutputSize];
        var deviceOut = new float[batch * device.OutputSize];
        cpu.Forward(x, cpuOut);
        device.Forward(x, deviceOut);
        for (int o = 0; o < cpu.OutputSizes.Count; o++)
            Close.All(cpu.LastOutputAt(o), device.LastOutputAt(o), tolerance, $"{what} {o}");
    }

    private static void Loss(float cpu, float device, double tolerance, string what) =>
        Assert.True(Math.Abs(cpu - device) <= tolerance * Math.Max(1, Math.Abs(cpu)), $"{what}: device {device}, CPU {cpu}");
}
