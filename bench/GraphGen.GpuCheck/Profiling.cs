using GraphGen.Gpu;

namespace GraphGen.GpuCheck;

/// <summary>
/// `--profile`: where each benchmark network's training step and inference pass spend their time
/// on the device, kernel by kernel (<see cref="KernelProfile"/>: the device waits after every
/// kernel, so the profiled step is slower than the benchmark's; the shares are what to read).
/// </summary>
internal static class Profiling
{
    private const int Steps = 5, Shown = 14;

    public static void Run(GpuDevice device, CheckOptions options, Report report)
    {
        report.Line($"== profile: µs per step by kernel (the device waits after each kernel; {Steps} steps)");
        foreach (var network in options.Quick ? BenchNetwork.Quick : BenchNetwork.All)
        {
            var (net, train, infer) = network.OnDevice(device);
            Measure(device, report, network.Label + " train", train);
            Measure(device, report, network.Label + " infer", infer);
            net.UseCpu();
        }
    }

    private static void Measure(GpuDevice device, Report report, string label, Action step)
    {
        // Kernels compile on their first launch, and .NET recompiles the host code of hot methods
        // after ~30 calls: warm both up so neither lands in the profile.
        for (int i = 0; i < 40; i++) step();
        var profile = new KernelProfile();
        device.Profile = profile;
        try
        {
            for (int i = 0; i < Steps; i++) step();
            profile.Stop(device);
        }
        finally
        {
            device.Profile = null;
        }
        double total = profile.TotalSeconds / Steps;
        int launches = profile.Kernels.Sum(k => k.Calls) / Steps;
        report.Line($"{label}: {total * 1e6:F1} µs in {launches} launches per step");
        report.Row(label, "profiled_us", total * 1e6, "µs");
        foreach (var kernel in profile.Kernels.Take(Shown))
        {
            double perStep = kernel.Seconds / Steps;
            report.Line($"  {perStep * 1e6,9:F1} µs {perStep / total,6:P1} {kernel.Calls / (double)Steps,5:0.#}× {kernel.Kernel}");
            report.Row(label + " | " + kernel.Kernel.Replace(',', ';'), "us_per_step", perStep * 1e6, "µs");
        }
        if (profile.Kernels.Count > Shown)
        {
            double rest = profile.Kernels.Skip(Shown).Sum(k => k.Seconds) / Steps;
            report.Line($"  {rest * 1e6,9:F1} µs {rest / total,6:P1}        {profile.Kernels.Count - Shown} other kernels");
        }
    }
}
