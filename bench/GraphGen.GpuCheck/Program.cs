// The GPU check (scripts/gpu-check.sh runs it on a machine with an NVIDIA GPU):
//   1. correctness: the device against the CPU path (GEMM, the MLPs' loss, gradients and Adam steps);
//   2. benchmark: SGEMM GFLOP/s, training step and inference of the benchmark networks;
//   3. the same networks in PyTorch on the same GPU, when python3 has torch with CUDA; ratios.
// Writes one CSV. --device ilgpu-cpu --quick runs the same program on ILGPU's CPU accelerator at
// small sizes (how it is tested without a GPU).
using System.Globalization;
using GraphGen.Gpu;
using GraphGen.GpuCheck;

var options = CheckOptions.Parse(args);
GpuDevice device;
try
{
    device = GpuDevice.Open(options.Device);
}
catch (GpuUnavailableException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
using (device)
{
    var report = new Report(options.CsvPath);
    report.Line($"device: {device.Name}; GEMM engine: {device.GemmEngine} (batched: {device.BatchedGemmEngine}); {(options.Quick ? "quick (small sizes)" : "full sizes")}");
    var started = System.Diagnostics.Stopwatch.StartNew();
    bool correct = Correctness.Run(device, options, report);
    var times = Benchmark.Run(device, options, report);
    if (!options.Quick || options.Torch) TorchPeer.Run(options, report, times);
    if (options.Profile) Profiling.Run(device, options, report);
    if (device.GemmEngine == "cuBLASLt") report.Line($"cuBLASLt refused {device.CuBlasLtRefusals} product shapes (sent to plain cuBLAS)");
    report.Row("check", "seconds", started.Elapsed.TotalSeconds, "s");
    report.Save();
    report.Line($"targets: {report.TargetsMet} of {report.Targets} met (a missed target is reported, not a failure)");
    report.Line(correct ? "correctness: PASS" : "correctness: FAIL");
    return correct ? 0 : 1;
}

namespace GraphGen.GpuCheck
{
    /// <summary>
    /// The command line: --device cuda|ilgpu-cpu, --quick, --csv PATH, --torch (run the PyTorch peer
    /// even when quick), --profile (each network's kernels' times, after the benchmark).
    /// </summary>
    internal sealed record CheckOptions(string Device, bool Quick, string CsvPath, bool Torch, bool Profile)
    {
        public static CheckOptions Parse(string[] args)
        {
            string device = "cuda", csv = "gpu-check.csv";
            bool quick = false, torch = false, profile = false;
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--device" when i + 1 < args.Length: device = args[++i]; break;
                    case "--csv" when i + 1 < args.Length: csv = args[++i]; break;
                    case "--quick": quick = true; break;
                    case "--torch": torch = true; break;
                    case "--profile": profile = true; break;
                    default:
                        Console.Error.WriteLine($"error: unknown argument '{args[i]}'; usage: GraphGen.GpuCheck [--device cuda|ilgpu-cpu] [--quick] [--csv PATH] [--torch] [--profile]");
                        Environment.Exit(2);
                        break;
                }
            }
            return new CheckOptions(device, quick, csv, torch, profile);
        }
    }

    /// <summary>Lines to the console and rows to the CSV (case, metric, value, unit).</summary>
    internal sealed class Report(string csvPath)
    {
        private readonly List<string> _rows = ["case,metric,value,unit"];

        public void Line(string text) => Console.WriteLine(text);

        /// <summary>Targets checked and met (the benchmark's goals; missing one is not a failure).</summary>
        public int Targets { get; private set; }

        /// <inheritdoc cref="Targets"/>
        public int TargetsMet { get; private set; }

        /// <summary>Prints "PASS what: detail" or "FAIL ..." (for a target, "MET"/"MISSED"); returns <paramref name="ok"/>.</summary>
        public bool Check(string what, string detail, bool ok, bool target = false)
        {
            if (target)
            {
                Targets++;
                if (ok) TargetsMet++;
            }
            string verdict = target ? (ok ? "MET   " : "MISSED") : (ok ? "PASS  " : "FAIL  ");
            Console.WriteLine($"{verdict} {what}: {detail}");
            return ok;
        }

        public void Row(string @case, string metric, double value, string unit) =>
            _rows.Add(string.Join(",", @case, metric, value.ToString("G6", CultureInfo.InvariantCulture), unit));

        public IReadOnlyList<string> Rows => _rows;

        public void Save()
        {
            File.WriteAllLines(csvPath, _rows);
            Console.WriteLine($"csv: {Path.GetFullPath(csvPath)}");
        }
    }
}
