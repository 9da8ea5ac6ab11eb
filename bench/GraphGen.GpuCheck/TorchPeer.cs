using System.Diagnostics;
using System.Globalization;

namespace GraphGen.GpuCheck;

/// <summary>
/// The same networks in PyTorch eager on the same device (torch_gpu.py beside this program, with
/// bench/peers/networks.py), when python3 imports torch; prints PyTorch's times and the ratios
/// (PyTorch's time ÷ GraphGen's: above 1, GraphGen is faster).
/// </summary>
internal static class TorchPeer
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    public static void Run(CheckOptions options, Report report, IReadOnlyDictionary<string, (double Train, double Infer)> graphGen)
    {
        string torchDevice = options.Device == "cuda" ? "cuda" : "cpu";
        report.Line($"== PyTorch eager on {torchDevice} (torch_gpu.py)");
        var cases = options.Quick ? BenchNetwork.Quick : BenchNetwork.All;
        // GRAPHGEN_PYTHON: the interpreter that has torch (scripts/gpu-check.sh finds one), else python3.
        string python = Environment.GetEnvironmentVariable("GRAPHGEN_PYTHON") is { Length: > 0 } chosen ? chosen : "python3";
        var start = new ProcessStartInfo(python)
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "torch_gpu.py"));
        start.ArgumentList.Add("--device");
        start.ArgumentList.Add(torchDevice);
        if (options.Quick) start.ArgumentList.Add("--quick");
        foreach (var c in cases)
        {
            start.ArgumentList.Add("--batch");
            start.ArgumentList.Add($"{c.Name}={c.Batch}");
        }
        foreach (var c in cases) start.ArgumentList.Add(c.Name);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            report.Line($"PyTorch: not run ({e.Message}): no {python} on the PATH");
            return;
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            var reading = Task.Run(() =>
            {
                while (process.StandardOutput.ReadLine() is { } line) lines.Add(line);
            });
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                report.Line($"PyTorch: stopped after {Limit.TotalSeconds:F0} s; cases finished: {lines.Count(l => !l.StartsWith('#'))}");
            }
            reading.Wait(TimeSpan.FromSeconds(5));
            if (process.HasExited && process.ExitCode != 0)
            {
                string why = stderr.Wait(TimeSpan.FromSeconds(5)) ? stderr.Result.Trim() : "";
                string last = why.Split('\n').LastOrDefault() ?? "";
                report.Line(process.ExitCode == 3 || why.Contains("No module named 'torch'", StringComparison.Ordinal)
                    ? $"PyTorch: not available ({last})"
                    : $"PyTorch: failed with exit code {process.ExitCode}: {last}");
                if (lines.Count == 0) return;
            }
            Print(report, lines, graphGen);
        }
    }

    private static void Print(Report report, List<string> lines, IReadOnlyDictionary<string, (double Train, double Infer)> graphGen)
    {
        foreach (var line in lines.Where(l => l.StartsWith('#'))) report.Line(line.TrimStart('#', ' '));
        report.Line($"{"case",-24} {"torch train µs",15} {"× GraphGen",11} {"torch infer µs",15} {"× GraphGen",11}");
        foreach (var line in lines.Where(l => !l.StartsWith('#')))
        {
            var parts = line.Split(',');
            if (parts.Length != 3 || !graphGen.TryGetValue(parts[0], out var ours)) continue;
            double train = double.Parse(parts[1], CultureInfo.InvariantCulture) * 1e-6;
            double infer = double.Parse(parts[2], CultureInfo.InvariantCulture) * 1e-6;
            double trainRatio = train / ours.Train, inferRatio = infer / ours.Infer;
            report.Row(parts[0], "torch_train_us", train * 1e6, "µs");
            report.Row(parts[0], "torch_infer_us", infer * 1e6, "µs");
            report.Row(parts[0], "train_speedup_vs_torch", trainRatio, "ratio");
            report.Row(parts[0], "infer_speedup_vs_torch", inferRatio, "ratio");
            report.Line($"{parts[0],-24} {train * 1e6,15:F1} {trainRatio,10:F2}× {infer * 1e6,15:F1} {inferRatio,10:F2}×");
            if (parts[0].StartsWith("64-32-10", StringComparison.Ordinal))
                report.Check("target: " + parts[0] + " training", $"{trainRatio:F2}× PyTorch eager's speed, target ≥ 3×", trainRatio >= 3, target: true);
        }
    }
}
