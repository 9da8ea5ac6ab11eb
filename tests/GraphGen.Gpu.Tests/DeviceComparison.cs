namespace GraphGen.Gpu.Tests;

/// <summary>
/// A network on the device against the same network (same seed) on the CPU, through every call a
/// training loop makes: the inference output, the loss and every parameter's gradient, Adam steps
/// (each step's loss, then the parameters, the non-trainable state such as BatchNorm's running
/// statistics, and Adam's moments), and the inference output and loss after training.
/// </summary>
internal static class DeviceComparison
{
    public static void TrainAndCompare<TNet>(TNet cpu, TNet gpu, Action<TNet> useDevice, float[] x, int[] y, double tolerance, int steps = 2)
        where TNet : TrainableNetwork<int>
    {
        useDevice(gpu);
        Assert.StartsWith("ilgpu-cpu", gpu.Device);
        int batch = y.Length;

        CompareOutputs(cpu, gpu, x, batch, tolerance, "output before training (inference mode)");
        float cpuLoss = cpu.ComputeGradients(x, y), gpuLoss = gpu.ComputeGradients(x, y);
        CompareLoss(cpuLoss, gpuLoss, tolerance, "training-mode loss");
        foreach (var p in cpu.ParameterTable.Parameters)
            Close.All(cpu.Gradients.Slice(p.Offset, p.Count), gpu.Gradients.Slice(p.Offset, p.Count), tolerance, "d" + p.Name);

        var cpuAdam = new Adam(1e-2f);
        var gpuAdam = new Adam(1e-2f);
        for (int step = 0; step < steps; step++)
            CompareLoss(cpu.TrainStep(x, y, cpuAdam), gpu.TrainStep(x, y, gpuAdam), tolerance, $"loss of Adam step {step + 1}");
        foreach (var p in cpu.ParameterTable.Parameters)
            Close.All(cpu.Parameters.Slice(p.Offset, p.Count), gpu.Parameters.Slice(p.Offset, p.Count), tolerance, $"{p.Name} after {steps} Adam steps");
        foreach (var s in cpu.StateTable.Parameters)
            Close.All(cpu.State.Slice(s.Offset, s.Count), gpu.State.Slice(s.Offset, s.Count), tolerance, $"state {s.Name} after {steps} steps");
        Assert.Equal(cpuAdam.StepCount, gpuAdam.StepCount);
        for (int i = 0; i < cpuAdam.State.Count; i++)
            Close.All(cpuAdam.State[i].Values, gpuAdam.State[i].Values, 10 * tolerance, $"Adam state {i}");

        CompareOutputs(cpu, gpu, x, batch, tolerance, "output after training (inference mode, running statistics)");
        CompareLoss(cpu.ComputeLoss(x, y), gpu.ComputeLoss(x, y), tolerance, "inference-mode loss after training");
    }

    private static void CompareOutputs(CompiledNetwork cpu, CompiledNetwork gpu, float[] x, int batch, double tolerance, string what)
    {
        var expected = new float[batch * cpu.OutputSize];
        var actual = new float[expected.Length];
        cpu.Forward(x, expected);
        gpu.Forward(x, actual);
        Close.All(expected, actual, tolerance, what);
    }

    private static void CompareLoss(float cpu, float gpu, double tolerance, string what) =>
        Assert.True(Math.Abs(cpu - gpu) <= tolerance * Math.Max(1, Math.Abs(cpu)), $"{what}: device {gpu}, CPU {cpu}");
}
