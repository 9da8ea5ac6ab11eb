namespace GraphGen.Generator.Tests;

/// <summary>
/// One network on a device against the same network (same seed, same parameters, same calls in
/// the same order) on the CPU path, through every call a training loop makes, and a second run on
/// the device that must give the same bits as the first.
/// </summary>
internal static class DeviceMatch
{
    /// <summary>Relative tolerance, as in the GPU tests (docs/gpu.md): both sides add in float, in different orders.</summary>
    public const double Tolerance = 2e-5;

    /// <summary>Adam's step size in the comparison.</summary>
    private const float LearningRate = 1e-2f;

    /// <summary>Adam steps after the gradient comparison.</summary>
    private const int Steps = 2;

    /// <summary>
    /// Inference output and training-mode loss and output within <see cref="Tolerance"/> of the
    /// CPU's (relative to max(1, the largest value)); every parameter gradient within
    /// <see cref="Tolerance"/> of the network's largest gradient; the loss of each of
    /// <see cref="Steps"/> Adam steps; then the parameters and the state (BatchNorm's running
    /// statistics) and Adam's moments, and the inference output after training.
    /// </summary>
    /// <remarks>
    /// A gradient's float error follows the magnitudes summed into it, the network's gradients, not
    /// its own: a weight that BatchNorm makes scale-invariant has a gradient that is zero up to
    /// rounding, different on each side. Adam with its default ε (1e-8) turns such noise into a step
    /// of up to lr, in a direction of its own on each side (measured: γ of a one-channel BatchNorm
    /// followed by ReLU, pooling and another one-channel BatchNorm, which make it scale-invariant,
    /// ended two steps 0.026 apart). So Adam runs with ε at the network's largest gradient G: its
    /// step lr·m̂/(√v̂ + ε) then moves by at most about lr·δ/G when a gradient moves by δ, and
    /// gradients within Tolerance·G give parameters within lr·Steps·Tolerance (plus the float error
    /// of the parameters themselves), which the parameter check allows.
    /// </remarks>
    public static void Check<T>(TrainableNetwork<T> cpu, TrainableNetwork<T> device, float[] x, T[] targets, int batch) where T : unmanaged
    {
        Assert.StartsWith("ilgpu-cpu", device.Device);
        Assert.Equal("cpu", cpu.Device);
        var cpuOut = new float[batch * cpu.OutputSize];
        var deviceOut = new float[batch * device.OutputSize];
        cpu.Forward(x, cpuOut);
        device.Forward(x, deviceOut);
        AllClose(cpuOut, deviceOut, Tolerance, "inference output");

        Loss(cpu.ComputeGradients(x, targets), device.ComputeGradients(x, targets), "training-mode loss");
        AllClose(cpu.LastOutput, device.LastOutput, Tolerance, "training-mode output");
        float largest = LargestGradient(cpu);
        foreach (var p in cpu.ParameterTable.Parameters)
        {
            var expected = cpu.Gradients.Slice(p.Offset, p.Count);
            var actual = device.Gradients.Slice(p.Offset, p.Count);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * largest,
                    $"d{p.Name}[{i}]: device {actual[i]:R}, CPU {expected[i]:R} (tolerance {Tolerance} × the network's largest gradient {largest:G3})");
        }

        var cpuAdam = new Adam(LearningRate, epsilon: largest);
        var deviceAdam = new Adam(LearningRate, epsilon: largest);
        for (int step = 1; step <= Steps; step++)
            Loss(cpu.TrainStep(x, targets, cpuAdam), device.TrainStep(x, targets, deviceAdam), $"loss of Adam step {step}");
        foreach (var p in cpu.ParameterTable.Parameters)
            AllClose(cpu.Parameters.Slice(p.Offset, p.Count), device.Parameters.Slice(p.Offset, p.Count), Tolerance, $"{p.Name} after {Steps} Adam steps");
        foreach (var s in cpu.StateTable.Parameters)
            AllClose(cpu.State.Slice(s.Offset, s.Count), device.State.Slice(s.Offset, s.Count), Tolerance, $"state {s.Name} after {Steps} steps");
        Assert.Equal(cpu.TrainingSteps, device.TrainingSteps);
        Assert.Equal(cpuAdam.StepCount, deviceAdam.StepCount);
        for (int i = 0; i < cpuAdam.State.Count; i++)
            Moments(cpuAdam.State[i].Values, deviceAdam.State[i].Values, $"Adam's {cpuAdam.State[i].Name} after {Steps} steps");

        cpu.Forward(x, cpuOut);
        device.Forward(x, deviceOut);
        AllClose(cpuOut, deviceOut, Tolerance, "inference output after training");
    }

    /// <summary>
    /// The loss, parameters, state and gradients after one Adam step on the device: the same
    /// network run twice this way must give the same bits (no kernel adds with atomics).
    /// </summary>
    public static float[] OneStep<T>(TrainableNetwork<T> device, float[] x, T[] targets) where T : unmanaged
    {
        Assert.StartsWith("ilgpu-cpu", device.Device);
        float loss = device.TrainStep(x, targets, new Adam(LearningRate));
        return [loss, .. device.Parameters.ToArray(), .. device.State.ToArray(), .. device.Gradients.ToArray()];
    }

    /// <summary>Asserts both arrays hold the same bits (NaN payloads and signed zeros included).</summary>
    public static void SameBits(float[] first, float[] second, string what)
    {
        Assert.Equal(first.Length, second.Length);
        for (int i = 0; i < first.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(first[i]) == BitConverter.SingleToInt32Bits(second[i]),
                $"{what}[{i}]: {first[i]:R} then {second[i]:R} (not the same bits)");
    }

    /// <summary>The largest |gradient| of the network, at least 1e-3 (so that a network of tiny gradients is still checked to 2e-8).</summary>
    private static float LargestGradient<T>(TrainableNetwork<T> net) where T : unmanaged
    {
        float largest = 1e-3f;
        foreach (float g in net.Gradients) largest = Math.Max(largest, Math.Abs(g));
        return largest;
    }

    /// <summary>
    /// An Adam moment within 10 · <see cref="Tolerance"/> of the buffer's largest value: the first
    /// moment is a weighted sum of the gradients and the second of their squares, so an error of
    /// Tolerance · G in the gradients (G the largest) is of that order relative to the largest moment.
    /// </summary>
    private static void Moments(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0;
        foreach (float e in expected) scale = Math.Max(scale, Math.Abs(e));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 10 * Tolerance * scale,
                $"{what}[{i}]: device {actual[i]:R}, CPU {expected[i]:R} (tolerance {10 * Tolerance} × the largest {scale:G3})");
    }

    /// <summary>|device − CPU| ≤ tolerance · max(1, max |CPU|) elementwise.</summary>
    private static void AllClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1;
        foreach (float e in expected) scale = Math.Max(scale, Math.Abs(e));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * scale,
                $"{what}[{i}]: device {actual[i]:R}, CPU {expected[i]:R} (tolerance {tolerance} × {scale:G3})");
    }

    private static void Loss(float cpu, float device, string what) =>
        Assert.True(Math.Abs(cpu - device) <= Tolerance * Math.Max(1, Math.Abs(cpu)), $"{what}: device {device:R}, CPU {cpu:R}");
}
