using System.Diagnostics;
using GraphGen.Gpu;
using ILGPU;
using ILGPU.Runtime;
using DeviceGemm = GraphGen.Gpu.Kernels.Gemm;
using DeviceElementwise = GraphGen.Gpu.Kernels.Elementwise;

namespace GraphGen.GpuCheck;

/// <summary>
/// SGEMM GFLOP/s by engine and size, then one Adam training step and one inference pass of each
/// benchmark network in µs. A step is what a user's loop does: upload the batch, run the passes and
/// the optimizer on the device, download the loss (inference: download the output); the time
/// includes those copies and the wait for the device.
/// </summary>
internal static class Benchmark
{
    /// <summary>The GEMM rate and the networks' times, in the report; returns the networks' times for the PyTorch comparison.</summary>
    public static Dictionary<string, (double Train, double Infer)> Run(GpuDevice device, CheckOptions options, Report report)
    {
        report.Line("== benchmark");
        double bestSgemm = 0;
        foreach (string engine in Correctness.Engines(device))
        {
            foreach (int size in options.Quick ? (int[])[64, 128] : [1024, 2048, 4096, 8192])
            {
                double seconds = Sgemm(device, size, options.Quick);
                double gflops = 2.0 * size * size * size / seconds / 1e9;
                bestSgemm = Math.Max(bestSgemm, gflops);
                report.Row($"sgemm {size} {device.GemmEngine}", "gflops", gflops, "GFLOP/s");
                report.Line($"sgemm {size,5} {device.GemmEngine,-15} {gflops,10:F1} GFLOP/s");
            }
        }
        LaunchCosts(device, options, report);
        report.Line($"networks (GEMM engine {device.GemmEngine}; Adam; µs per step, with the batch's upload and the loss's download)");
        report.Line($"{"case",-24} {"train µs",10} {"GFLOP/s",9} {"infer µs",10} {"GFLOP/s",9}");
        var times = new Dictionary<string, (double, double)>();
        foreach (var network in options.Quick ? BenchNetwork.Quick : BenchNetwork.All)
        {
            var (net, trainStep, inferencePass) = network.OnDevice(device);
            // Where cuBLASLt serves, the same network through plain cuBLAS too (the bias and activation
            // in a second kernel), in alternating rounds; each engine's best.
            bool compare = device.GemmEngine == "cuBLASLt";
            double train = double.MaxValue, infer = double.MaxValue, plainTrain = double.MaxValue, plainInfer = double.MaxValue;
            for (int round = 0; round < (compare && !options.Quick ? 3 : 1); round++)
            {
                train = Math.Min(train, Time(trainStep, options.Quick));
                infer = Math.Min(infer, Time(inferencePass, options.Quick));
                if (!compare) continue;
                device.UseCuBlasLt = false;
                plainTrain = Math.Min(plainTrain, Time(trainStep, options.Quick));
                plainInfer = Math.Min(plainInfer, Time(inferencePass, options.Quick));
                device.UseCuBlasLt = true;
            }
            string plain = "";
            if (compare)
            {
                report.Row(network.Label, "train_us_plain_cublas", plainTrain * 1e6, "µs");
                report.Row(network.Label, "infer_us_plain_cublas", plainInfer * 1e6, "µs");
                plain = $"   (plain cuBLAS: train {plainTrain * 1e6:F1}, infer {plainInfer * 1e6:F1})";
            }
            net.UseCpu();
            times[network.Name] = (train, infer);
            report.Row(network.Label, "train_us", train * 1e6, "µs");
            report.Row(network.Label, "infer_us", infer * 1e6, "µs");
            double trainRate = network.TrainFlops / train / 1e9, inferRate = network.InferenceFlops / infer / 1e9;
            if (double.IsFinite(trainRate)) report.Row(network.Label, "train_gflops", trainRate, "GFLOP/s");
            report.Line($"{network.Label,-24} {train * 1e6,10:F1} {Rate(trainRate),9} {infer * 1e6,10:F1} {Rate(inferRate),9}{plain}");
            if (network.Name.StartsWith("1024-1024-1024-10", StringComparison.Ordinal) && bestSgemm > 0)
            {
                double share = trainRate / bestSgemm;
                report.Row(network.Name, "train_share_of_best_sgemm", share, "ratio");
                report.Check("target: " + network.Name + " training", $"{share:P0} of the best SGEMM rate ({bestSgemm:F0} GFLOP/s), target ≥ 50%", share >= 0.5, target: true);
            }
        }
        return times;
    }

    /// <summary>
    /// The floor under a step of small kernels: µs per launch of a one-element kernel issued back to
    /// back (the host's cost of a launch; the device waits once at the end), the same with a wait
    /// after each (the round trip), and a 32³ product by each GEMM engine issued back to back.
    /// </summary>
    private static void LaunchCosts(GpuDevice device, CheckOptions options, Report report)
    {
        int calls = options.Quick ? 20 : 2000;
        using var one = device.Accelerator.Allocate1D<float>(32 * 32);
        var x = one.View.SubView(0, 1);
        var a = one.View;
        using var c = device.Accelerator.Allocate1D<float>(32 * 32);
        double Each(Action action, bool wait)
        {
            action();
            device.Synchronize();
            double best = double.MaxValue;
            for (int run = 0; run < 3; run++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < calls; i++)
                {
                    action();
                    if (wait) device.Synchronize();
                }
                device.Synchronize();
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / calls);
            }
            return best * 1e6;
        }
        double launch = Each(() => DeviceElementwise.Add(device, x, x), wait: false);
        double roundTrip = Each(() => DeviceElementwise.Add(device, x, x), wait: true);
        report.Row("launch", "us_per_launch", launch, "µs");
        report.Row("launch", "us_per_launch_and_wait", roundTrip, "µs");
        string line = $"launch: {launch:F2} µs per kernel back to back, {roundTrip:F2} µs with a wait after each";
        foreach (string engine in Correctness.Engines(device))
        {
            double gemm = Each(() => DeviceGemm.Multiply(device, a, a, c.View, 32, 32, 32), wait: false);
            report.Row($"gemm 32 {device.GemmEngine}", "us_per_call", gemm, "µs");
            line += $"; 32³ GEMM ({device.GemmEngine}) {gemm:F2} µs";
        }
        report.Line(line);
    }

    private static string Rate(double gflops) => double.IsFinite(gflops) ? gflops.ToString("F1") : "-";

    /// <summary>Seconds per n×n×n SGEMM, launches back to back, the device waited for at the end of each timed run.</summary>
    private static double Sgemm(GpuDevice device, int n, bool quick)
    {
        var rng = new SeededRandom(3);
        var host = new float[n * n];
        for (int i = 0; i < host.Length; i++) host[i] = rng.NextSingle() - 0.5f;
        using var a = device.Accelerator.Allocate1D(host);
        using var b = device.Accelerator.Allocate1D(host);
        using var c = device.Accelerator.Allocate1D<float>((long)n * n);
        return Time(() => DeviceGemm.Multiply(device, a.View, b.View, c.View, n, n, n), quick, device.Synchronize);
    }

    /// <summary>
    /// Best seconds per call: a few warm-up calls (kernels compile on their first launch), then five
    /// runs of enough calls to last ~0.1 s each. <paramref name="wait"/> ends a run (calls that do not
    /// wait for the device themselves). Quick: one warm-up, one run of two calls.
    /// </summary>
    private static double Time(Action action, bool quick, Action? wait = null)
    {
        int warmups = quick ? 1 : 5;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < warmups; i++) action();
        wait?.Invoke();
        if (quick)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            action();
            wait?.Invoke();
            return Stopwatch.GetElapsedTime(start).TotalSeconds / 2;
        }
        // Calls per run from one timed call after warm-up.
        long probe = Stopwatch.GetTimestamp();
        action();
        wait?.Invoke();
        double perCall = Math.Max(Stopwatch.GetElapsedTime(probe).TotalSeconds, 1e-6);
        int reps = Math.Clamp((int)(0.1 / perCall), 1, 10_000);
        double best = double.MaxValue;
        for (int run = 0; run < 5; run++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < reps; i++) action();
            wait?.Invoke();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / reps);
        }
        return best;
    }
}
