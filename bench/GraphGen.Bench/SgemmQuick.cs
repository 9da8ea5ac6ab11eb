using GraphGen.Kernels;

namespace GraphGen.Bench;

/// <summary>
/// `sgemm`: GFLOP/s of <see cref="Gemm.Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool)"/>
/// for square sizes and the small shapes of a 64-32-10 MLP at batch 32, plus the time of
/// that MLP's five training-step GEMMs. Same sizes as bench/peers/sgemm_numpy.py.
/// </summary>
public static class SgemmQuick
{
    public static readonly int[] SquareSizes = [256, 512, 1024, 2048];

    /// <summary>(m, n, k, form): the GEMMs of one training step of a 64-32-10 MLP at batch 32.</summary>
    public static readonly (int M, int N, int K, string Form)[] SmallShapes =
    [
        (32, 32, 64, "A·Bᵀ"),  // hidden = X·W1ᵀ
        (32, 10, 32, "A·Bᵀ"),  // logits = H·W2ᵀ
        (32, 32, 10, "A·B"),   // dH = dY·W2
        (10, 32, 32, "Aᵀ·B"),  // dW2 = dYᵀ·H
        (32, 64, 32, "Aᵀ·B"),  // dW1 = dHᵀ·X
    ];

    /// <summary>Batch-1 inference through a 784-256-10 MLP: y = x·Wᵀ with one row.</summary>
    public static readonly (int M, int N, int K, string Form)[] RowShapes =
    [
        (1, 256, 784, "A·Bᵀ"),
        (1, 10, 256, "A·Bᵀ"),
    ];

    /// <summary>
    /// Prints the table; <paramref name="only"/> restricts it to those shapes, for tuning: a square
    /// size ("512") or m×n×k with an optional form ("128x64x1152", "64x576x256:A·Bᵀ", "…:Aᵀ·B").
    /// </summary>
    public static void Run(TextWriter output, IReadOnlyList<string>? only = null)
    {
        output.WriteLine($"GraphGen SGEMM, {Gemm.MaxThreads} thread(s), {Environment.ProcessorCount} processors");
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            output.WriteLine($"FMA peak (no memory traffic): {FmaPeak.Measure(1):F1} GFLOP/s on one core, {FmaPeak.Measure(Math.Min(Gemm.MaxThreads, Environment.ProcessorCount)):F1} on {Math.Min(Gemm.MaxThreads, Environment.ProcessorCount)}");
        output.WriteLine($"{"shape",-20} {"form",-6} {"time",12} {"GFLOP/s",9}");
        if (only is { Count: > 0 })
        {
            foreach (string shape in only)
            {
                var (m, n, k, form) = ParseShape(shape);
                Report(output, m, n, k, form);
            }
            return;
        }
        foreach (int size in SquareSizes)
            Report(output, size, size, size, "A·B");
        // The transposed forms a dense layer uses (forward X·Wᵀ, weight gradient dYᵀ·X).
        Report(output, 1024, 1024, 1024, "A·Bᵀ");
        Report(output, 1024, 1024, 1024, "Aᵀ·B");
        double total = 0;
        foreach (var (m, n, k, form) in SmallShapes)
            total += Report(output, m, n, k, form);
        output.WriteLine($"MLP 64-32-10 batch 32, five GEMMs of a training step: {total * 1e6:F2} µs");
        foreach (var (m, n, k, form) in RowShapes)
            Report(output, m, n, k, form);
    }

    private static (int M, int N, int K, string Form) ParseShape(string text)
    {
        var parts = text.Split(':');
        string form = parts.Length > 1 ? parts[1] : "A·B";
        var sizes = parts[0].Split('x').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return sizes.Length switch
        {
            1 => (sizes[0], sizes[0], sizes[0], form),
            3 => (sizes[0], sizes[1], sizes[2], form),
            _ => throw new ArgumentException($"sgemm: '{text}' is neither a size nor m x n x k (e.g. 128x64x1152:A·Bᵀ)."),
        };
    }

    /// <summary>Times one shape and prints a line; returns the best seconds per call.</summary>
    public static double Report(TextWriter output, int m, int n, int k, string form)
    {
        var rng = new SeededRandom(1);
        bool ta = form == "Aᵀ·B", tb = form == "A·Bᵀ";
        var a = Random(rng, m * k);
        var b = Random(rng, k * n);
        var c = new float[m * n];
        double seconds = Measure.BestSeconds(() =>
            Gemm.Compute(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, c, n, false));
        output.WriteLine($"{$"{m}x{n}x{k}",-20} {form,-6} {FormatTime(seconds),12} {Measure.GemmGflops(m, n, k, seconds),9:F1}");
        return seconds;
    }

    private static float[] Random(SeededRandom rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = rng.NextUniform(-1f, 1f);
        return x;
    }

    private static string FormatTime(double seconds) =>
        seconds < 1e-3 ? $"{seconds * 1e6:F2} µs" : $"{seconds * 1e3:F3} ms";
}
