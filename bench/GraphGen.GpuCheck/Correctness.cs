using GraphGen.Gpu;
using ILGPU;
using ILGPU.Runtime;
using DeviceBatchedGemm = GraphGen.Gpu.Kernels.BatchedGemm;
using DeviceGemm = GraphGen.Gpu.Kernels.Gemm;
using HostGemm = GraphGen.Kernels.Gemm;

namespace GraphGen.GpuCheck;

/// <summary>
/// The device against the CPU path at the benchmark's sizes: GEMM in its three forms by every
/// engine the device has (cuBLAS, the tiled kernel) against the double-precision reference, then
/// each benchmark network: the same initial parameters, the inference output, the loss, every
/// gradient, three Adam steps, and the same bits when the device runs the same steps again.
/// </summary>
/// <remarks>
/// Tolerances. Both sides compute in float in different orders (the GPU's GEMM sums in other
/// blocks and contracts multiply-adds into FMAs; exp is ex2.approx on a GPU), so results agree to
/// a relative tolerance, not bit for bit. GEMM: max |C − C_ref| ≤ 1e-5 · max |C_ref| (k ≤ 1024 sums
/// of float products are good to a few 1e-7 relative). Outputs, loss and gradients: 1e-4 relative
/// to the largest value of the tensor (the ILGPU CPU accelerator gives ≤ 3e-6 on the test networks).
/// Adam steps: a parameter moves at most lr per step whatever its gradient's size, so a gradient
/// that is rounding noise (a sum that cancels) can move it the other way on the other side; the
/// check bounds the difference at 5% of the largest possible move (lr · steps). A gradient that is
/// zero in exact arithmetic (below 1e-5 of the network's largest on the CPU) is compared with that
/// floor instead, and its parameter left out of the Adam comparison (<see cref="CompareGradients"/>).
/// </remarks>
internal static class Correctness
{
    private const double GemmTolerance = 1e-5, Tolerance = 1e-4, StepFraction = 0.05, NoiseFloor = 1e-5;
    private const float LearningRate = 1e-3f;
    private const int Steps = 3;

    /// <summary>Runs every check, prints one line each and a row per figure; true when all pass.</summary>
    public static bool Run(GpuDevice device, CheckOptions options, Report report)
    {
        report.Line("== correctness: the device against the CPU path");
        bool ok = true;
        (int M, int N, int K)[] shapes = options.Quick ? [(64, 48, 40)] : [(512, 512, 512), (1000, 300, 700)];
        foreach (string engine in Engines(device))
        {
            foreach (var (m, n, k) in shapes)
                foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false) })
                    ok &= CheckGemm(device, report, m, n, k, ta, tb);
            // (count, m, n, k) as TinyGpt's, and an odd one; α and accumulation.
            // Attention's batched products (cuBLASLt is not used for them: checked once with cuBLAS).
            if (engine == "cuBLASLt") continue;
            foreach (var (count, m, n, k) in options.Quick ? [(7, 33, 20, 17)] : new[] { (128, 64, 64, 32), (7, 33, 20, 17) })
                foreach (var (ta, tb) in new[] { (false, true), (false, false), (true, false) })
                    ok &= CheckBatchedGemm(device, report, count, m, n, k, ta, tb);
        }
        foreach (var network in options.Quick ? BenchNetwork.Quick : BenchNetwork.All)
            ok &= CheckNetwork(device, report, network, repeat: !options.Quick || network == BenchNetwork.Quick[0]);
        return ok;
    }

    /// <summary>
    /// The GEMM engines to check, each set on the device while its turn runs: cuBLASLt and plain
    /// cuBLAS (where they load), then the tiled kernel. Yields the engine's name.
    /// </summary>
    public static IEnumerable<string> Engines(GpuDevice device)
    {
        try
        {
            DefaultEngine(device);
            if (device.GemmEngine == "cuBLASLt") yield return device.GemmEngine;
            device.UseCuBlasLt = false;
            if (device.GemmEngine == "cuBLAS") yield return device.GemmEngine;
            device.PreferTiledGemm = true;
            yield return device.GemmEngine;
        }
        finally
        {
            DefaultEngine(device);
        }
    }

    /// <summary>The device's default GEMM: cuBLASLt, else cuBLAS, else the tiled kernel.</summary>
    public static void DefaultEngine(GpuDevice device)
    {
        device.PreferTiledGemm = false;
        device.UseCuBlasLt = true;
    }

    private static bool CheckGemm(GpuDevice device, Report report, int m, int n, int k, bool transposeA, bool transposeB)
    {
        var rng = new SeededRandom((ulong)(m * 31 + n * 7 + k));
        var a = Uniform(rng, m * k);
        var b = Uniform(rng, k * n);
        var expected = new float[m * n];
        HostGemm.Reference(transposeA, transposeB, m, n, k, a, transposeA ? m : k, b, transposeB ? k : n, expected, n, accumulate: false);

        using var da = device.Accelerator.Allocate1D(a);
        using var db = device.Accelerator.Allocate1D(b);
        using var dc = device.Accelerator.Allocate1D<float>(m * n);
        if (transposeA) DeviceGemm.MultiplyTransposedA(device, da.View, db.View, dc.View, m, n, k);
        else if (transposeB) DeviceGemm.MultiplyTransposedB(device, da.View, db.View, dc.View, m, n, k);
        else DeviceGemm.Multiply(device, da.View, db.View, dc.View, m, n, k);
        device.Synchronize();
        var actual = dc.GetAsArray1D();

        double error = MaxDifference(expected, actual) / Math.Max(MaxAbs(expected), 1e-30);
        string form = transposeA ? "AᵀB" : transposeB ? "ABᵀ" : "AB";
        string name = $"gemm {form} {m}x{n}x{k} {device.GemmEngine}";
        report.Row(name, "max_rel_error", error, "");
        return report.Check(name, $"max |C − C_ref| / max |C_ref| = {error:G3}", error <= GemmTolerance);
    }

    /// <summary>C_z = C_z + ½·op(A_z)·op(B_z) for every z, against the double-precision reference of each product.</summary>
    private static bool CheckBatchedGemm(GpuDevice device, Report report, int count, int m, int n, int k, bool transposeA, bool transposeB)
    {
        var rng = new SeededRandom((ulong)(count * 131 + m * 31 + n * 7 + k));
        var a = Uniform(rng, count * m * k);
        var b = Uniform(rng, count * k * n);
        var c0 = Uniform(rng, count * m * n);
        var expected = new float[c0.Length];
        var product = new float[m * n];
        for (int z = 0; z < count; z++)
        {
            HostGemm.Reference(transposeA, transposeB, m, n, k, a.AsSpan(z * m * k, m * k), transposeA ? m : k,
                b.AsSpan(z * k * n, k * n), transposeB ? k : n, product, n, accumulate: false);
            for (int i = 0; i < product.Length; i++) expected[z * m * n + i] = c0[z * m * n + i] + 0.5f * product[i];
        }
        using var da = device.Accelerator.Allocate1D(a);
        using var db = device.Accelerator.Allocate1D(b);
        using var dc = device.Accelerator.Allocate1D(c0);
        DeviceBatchedGemm.Multiply(device, count, transposeA, transposeB, m, n, k, da.View, db.View, dc.View, accumulate: true, alpha: 0.5f);
        device.Synchronize();
        double error = MaxDifference(expected, dc.GetAsArray1D()) / Math.Max(MaxAbs(expected), 1e-30);
        string form = transposeA ? "AᵀB" : transposeB ? "ABᵀ" : "AB";
        string name = $"batched gemm {form} {count}x({m}x{n}x{k}) {device.BatchedGemmEngine}";
        report.Row(name, "max_rel_error", error, "");
        return report.Check(name, $"C + ½·op(A)·op(B): max |C − C_ref| / max |C_ref| = {error:G3}", error <= GemmTolerance);
    }

    private static bool CheckNetwork(GpuDevice device, Report report, BenchNetwork network, bool repeat)
    {
        var cpuNet = network.Create(network.Batch);
        var gpuNet = network.Create(network.Batch);
        var (x, y) = network.Data(cpuNet, network.Batch);
        var problems = new List<string>();
        string name = network.Label;

        // The same seed gives the same initial parameters, bit for bit, before any device is involved.
        if (!cpuNet.Parameters.SequenceEqual(gpuNet.Parameters)) problems.Add("initial parameters differ");
        gpuNet.UseDevice(device);

        var cpuOut = new float[network.Batch * cpuNet.OutputSize];
        var gpuOut = new float[cpuOut.Length];
        cpuNet.Forward(x, cpuOut);
        gpuNet.Forward(x, gpuOut);
        Compare(report, problems, name, "output", cpuOut, gpuOut, Tolerance);

        float cpuLoss = cpuNet.ComputeGradients(x, y), gpuLoss = gpuNet.ComputeGradients(x, y);
        double lossError = Math.Abs(cpuLoss - gpuLoss) / Math.Max(1, Math.Abs(cpuLoss));
        report.Row(name, "loss_rel_error", lossError, "");
        if (lossError > Tolerance) problems.Add($"loss {gpuLoss} against {cpuLoss}");

        var (worstGradient, worstName, cancelled) = CompareGradients(report, problems, name, cpuNet, gpuNet);

        var cpuAdam = new Adam(LearningRate);
        var gpuAdam = new Adam(LearningRate);
        for (int step = 0; step < Steps; step++)
        {
            cpuNet.TrainStep(x, y, cpuAdam);
            gpuNet.TrainStep(x, y, gpuAdam);
        }
        double moved = 0;
        foreach (var p in cpuNet.ParameterTable.Parameters)
            if (!cancelled.Contains(p.Name))
                moved = Math.Max(moved, MaxDifference(cpuNet.Parameters.Slice(p.Offset, p.Count).ToArray(), gpuNet.Parameters.Slice(p.Offset, p.Count).ToArray()));
        moved /= LearningRate * Steps;
        report.Row(name, "adam_step_fraction", moved, "");
        if (moved > StepFraction) problems.Add($"parameters after {Steps} Adam steps apart by {moved:P1} of lr·steps");

        string detail = $"output, loss {lossError:G2}, gradients {worstGradient:G2} (worst d{worstName}), {Steps} Adam steps {moved:P2} of lr·steps";
        if (cancelled.Count > 0) detail += $" (not {string.Join(", ", cancelled)}: zero but for rounding)";
        if (repeat)
        {
            // The same steps again on the device, from the same seed: the same bits (no float atomics).
            var again = network.Create(network.Batch);
            again.UseDevice(device);
            var adam = new Adam(LearningRate);
            again.ComputeGradients(x, y);
            for (int step = 0; step < Steps; step++) again.TrainStep(x, y, adam);
            bool same = again.Parameters.SequenceEqual(gpuNet.Parameters);
            report.Row(name, "repeat_same_bits", same ? 1 : 0, "bool");
            if (!same) problems.Add("a second run on the device gave other bits");
            detail += same ? ", the same bits twice" : "";
            again.UseCpu();
        }
        gpuNet.UseCpu();
        return report.Check(name, problems.Count == 0 ? detail : string.Join("; ", problems), problems.Count == 0);
    }

    /// <summary>
    /// Each parameter's gradient against the CPU's, relative to its largest value. A gradient that
    /// is zero in exact arithmetic is rounding noise on both sides, and relative to itself its two
    /// versions differ by 100%: the attention key's bias is one (softmax ignores a shift shared by
    /// every key, so ∂L/∂b_k = Σ_i q_i·Σ_j ∂L/∂s_ij = 0). Such a gradient, below <see cref="NoiseFloor"/>
    /// of the network's largest on the CPU, must stay below it on the device; Adam turns noise into
    /// full-size steps of either sign, so its parameters are left out of the Adam comparison.
    /// </summary>
    private static (double Worst, string WorstName, HashSet<string> Cancelled) CompareGradients(
        Report report, List<string> problems, string name, TrainableNetwork<int> cpuNet, TrainableNetwork<int> gpuNet)
    {
        double largest = MaxAbs(cpuNet.Gradients.ToArray());
        double worst = 0;
        string worstName = "";
        var cancelled = new HashSet<string>();
        var errors = new List<(double Error, string Text)>();
        foreach (var p in cpuNet.ParameterTable.Parameters)
        {
            var expected = cpuNet.Gradients.Slice(p.Offset, p.Count).ToArray();
            var actual = gpuNet.Gradients.Slice(p.Offset, p.Count).ToArray();
            double scale = MaxAbs(expected);
            if (scale <= NoiseFloor * largest)
            {
                cancelled.Add(p.Name);
                double noise = MaxAbs(actual);
                report.Row($"{name} d{p.Name}", "cancelled_gradient_of_largest", noise / largest, "");
                report.Line($"         d{p.Name}: |g| ≤ {scale:G2} on the CPU, {noise:G2} on the device, against the largest gradient {largest:G3}");
                if (!(noise <= NoiseFloor * largest)) problems.Add($"d{p.Name} is zero but for rounding on the CPU and {noise / largest:G3} of the largest gradient on the device");
                continue;
            }
            double error = MaxDifference(expected, actual) / scale;
            errors.Add((error, $"d{p.Name} {error:G2} (largest {scale:G2})"));
            if (error > worst) (worst, worstName) = (error, p.Name);
        }
        report.Row(name, "gradient_rel_error", worst, "");
        if (worst > Tolerance)
        {
            problems.Add($"d{worstName} off by {worst:G3} of its largest value");
            report.Line("         worst gradients: " + string.Join("; ", errors.OrderByDescending(e => e.Error).Take(4).Select(e => e.Text)));
        }
        return (worst, worstName, cancelled);
    }

    private static void Compare(Report report, List<string> problems, string name, string what, float[] expected, float[] actual, double tolerance)
    {
        double error = MaxDifference(expected, actual) / Math.Max(MaxAbs(expected), 1e-30);
        report.Row(name, what + "_rel_error", error, "");
        if (error > tolerance) problems.Add($"{what} off by {error:G3} of its largest value");
    }

    private static float[] Uniform(SeededRandom rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = rng.NextSingle() * 2 - 1;
        return values;
    }

    private static double MaxAbs(float[] values) => values.Length == 0 ? 0 : values.Max(v => Math.Abs((double)v));

    /// <summary>The largest |a − b|; infinity where either is NaN or infinite (never a pass).</summary>
    private static double MaxDifference(float[] a, float[] b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs((double)a[i] - b[i]);
            if (!double.IsFinite(d)) return double.PositiveInfinity;
            worst = Math.Max(worst, d);
        }
        return worst;
    }
}
