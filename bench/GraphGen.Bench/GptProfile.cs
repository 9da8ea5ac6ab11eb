using System.Globalization;
using System.Numerics.Tensors;
using GraphGen.Bench.Networks;
using GraphGen.Kernels;

namespace GraphGen.Bench;

/// <summary>
/// `profile-gpt [--threads N]`: where the quick table's TinyGpt training step goes. Each distinct
/// runtime call of the generated step (BenchTinyGpt.g.cs, batch 32) is timed alone on buffers of
/// its sizes, with the quick table's best-of-runs timing, and multiplied by how often the step
/// makes it; the GEMMs with their GFLOP/s. Then the whole step through the generated network.
/// </summary>
public static class GptProfile
{
    public static void Run(TextWriter output, string[] args)
    {
        int threadsAt = Array.IndexOf(args, "--threads");
        if (threadsAt >= 0) Gemm.MaxThreads = int.Parse(args[threadsAt + 1], CultureInfo.InvariantCulture);
        const int batch = 32, t = BenchTinyGpt.Context, w = BenchTinyGpt.Width, h = BenchTinyGpt.Heads, d = w / h, v = BenchTinyGpt.Vocabulary;
        const int rows = batch * t, problems = batch * h;
        var rng = new SeededRandom(3);
        float[] R(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = rng.NextSingle() - 0.5f; return a; }
        var ids = Enumerable.Range(0, rows).Select(_ => (float)rng.NextInt(v)).ToArray();
        var labels = Enumerable.Range(0, rows).Select(_ => rng.NextInt(v)).ToArray();
        float[] x = R(rows * w), y = R(rows * w), z = R(rows * w), wide = R(rows * 4 * w), wide2 = R(rows * 4 * w);
        float[] w128 = R(w * w), w512 = R(4 * w * w), wHead = R(v * w), bias = R(4 * w), logits = R(rows * v), dLogits = new float[rows * v];
        float[] scores = R(problems * t * t), probs = R(problems * t * t), dScores = new float[problems * t * t];
        float[] heads = R(rows * w), heads2 = R(rows * w), heads3 = R(rows * w), stats = new float[rows], stats2 = new float[rows];
        float[] gamma = R(w), beta = R(w), dgamma = new float[w], dbeta = new float[w], table = R(v * w), dtable = new float[v * w];
        int parameters = 2 * (4 * (w * w + w) + 2 * (4 * w * w) + 4 * w + w + 4 * w) + v * w + v + v * w + t * w + 2 * w;
        float[] p = R(parameters), g = R(parameters);
        var adam = new Adam(1e-4f);
        double Gf(long m, long n, long k) => 2.0 * m * n * k;
        var parts = new List<(string Name, int Count, double Flops, Action Run)>
        {
            ("embedding forward + positions", 1, 0, () => { Embedding.Forward(ids, table, x, v, w); TensorPrimitives.Add(x, y, z); }),
            ("LayerNorm forward 2048×128", 5, 0, () => LayerNorm.Forward(rows, w, x, gamma, beta, y, stats, stats2)),
            ("dense X·Wᵀ+b 2048×128×128", 8, Gf(rows, w, w), () => Gemm.MultiplyTransposedB(x, w128, y, rows, w, w, bias.AsSpan(0, w))),
            ("dense up + GELU, GELU′ saved 2048×512×128", 2, Gf(rows, 4 * w, w), () => Gemm.MultiplyTransposedB(x, w512, wide, rows, 4 * w, w, bias.AsSpan(0, 4 * w), new Gelu(), derivative: wide2)),
            ("dense X·Wᵀ+b 2048×128×512 (down)", 2, Gf(rows, w, 4 * w), () => Gemm.MultiplyTransposedB(wide, w512, y, rows, w, 4 * w, bias.AsSpan(0, w))),
            ("dense head 2048×96×128", 1, Gf(rows, v, w), () => Gemm.MultiplyTransposedB(x, wHead, logits, rows, v, w, bias.AsSpan(0, v))),
            ("SplitHeads / MergeHeads 2048×128", 16, 0, () => Permute.SplitHeads(batch, t, h, d, x, heads, accumulate: false)),
            ("scores Q·Kᵀ 128×(64×64×32)", 4, problems * Gf(t, t, d), () => BatchedGemm.Multiply(problems, false, true, t, t, d, heads, heads2, scores, false)),
            ("scale (×1/√d) 128×64×64", 4, 0, () => TensorPrimitives.Multiply(scores, 0.17677669f, dScores)),
            ("causal softmax forward", 2, 0, () => CausalSoftmax.Forward(problems, t, scores, probs)),
            ("P·V and dS·K 128×(64×32×64)", 4, problems * Gf(t, d, t), () => BatchedGemm.Multiply(problems, false, false, t, d, t, probs, heads, heads3, false)),
            ("Pᵀ·dO and dSᵀ·Q 128×(64×32×64)", 4, problems * Gf(t, d, t), () => BatchedGemm.Multiply(problems, true, false, t, d, t, probs, heads, heads3, false)),
            ("residual adds 2048×128", 4, 0, () => TensorPrimitives.Add(x, y, z)),
            ("softmax CE + gradient 2048×96", 1, 0, () => Losses.SoftmaxCrossEntropy(logits, labels, dLogits, rows, v)),
            ("dW head dYᵀ·X 96×128×2048", 1, Gf(v, w, rows), () => Gemm.MultiplyTransposedA(logits, x, wHead, v, w, rows)),
            ("dX head dY·W 2048×128×96", 1, Gf(rows, w, v), () => Gemm.Multiply(logits, wHead, y, rows, w, v)),
            ("bias sums (SumRows) 2048×128", 14, 0, () => Bias.SumRows(y, bias.AsSpan(0, w), rows, w, accumulate: false)),
            ("LayerNorm backward 2048×128", 5, 0, () => LayerNorm.Backward(rows, w, y, x, gamma, stats, stats2, z, dgamma, dbeta, accumulate: true)),
            ("dW dYᵀ·X 128×128×2048", 8, Gf(w, w, rows), () => Gemm.MultiplyTransposedA(y, x, w128, w, w, rows)),
            ("dX dY·W 2048×128×128", 8, Gf(rows, w, w), () => Gemm.Multiply(y, w128, z, rows, w, w)),
            ("dW down 128×512×2048", 2, Gf(w, 4 * w, rows), () => Gemm.MultiplyTransposedA(y, wide, w512, w, 4 * w, rows)),
            ("dX down ⊙ saved GELU′ 2048×512×128", 2, Gf(rows, 4 * w, w), () => Gemm.Multiply(y, w512, wide, rows, 4 * w, w, new Saved<Gelu>(), derivativeSource: wide2)),
            ("dW up 512×128×2048", 2, Gf(4 * w, w, rows), () => Gemm.MultiplyTransposedA(wide, x, w512, 4 * w, w, rows)),
            ("dX up 2048×128×512", 2, Gf(rows, w, 4 * w), () => Gemm.Multiply(wide, w512, z, rows, w, 4 * w)),
            ("dP = dO·Vᵀ 128×(64×64×32)", 2, problems * Gf(t, t, d), () => BatchedGemm.Multiply(problems, false, true, t, t, d, heads, heads2, dScores, false)),
            ("causal softmax backward", 2, 0, () => CausalSoftmax.Backward(problems, t, probs, scores, dScores, accumulate: false)),
            ("embedding backward + position sums", 1, 0, () => { Bias.SumRows(x, y.AsSpan(0, t * w), batch, t * w, accumulate: false); Embedding.Backward(ids, x, dtable, v, w, accumulate: false); }),
            ($"Adam ({parameters} parameters)", 1, 0, () => adam.Step(p, g)),
        };
        output.WriteLine($"{Gemm.MaxThreads} thread(s); tiny-gpt b{batch}: each call alone, µs, × its count in one training step");
        double total = 0, gemmTotal = 0, gemmFlops = 0;
        var rowsOut = new List<(string Name, int Count, double Us, double Flops)>();
        // Every part a few times first, for a second or more: .NET compiles a method's optimised
        // code (tier 1) in the background only after ~30 calls, and the first parts measured read
        // as half their speed without this (the dense forward GEMMs: 170 against 350 GFLOP/s).
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1.5)
            foreach (var part in parts) part.Run();
        foreach (var (name, count, flops, run) in parts)
        {
            double us = Measure.BestSeconds(run, runs: 9, warmupSeconds: 0.2, runSeconds: 0.01) * 1e6;
            rowsOut.Add((name, count, us, flops));
            total += us * count;
            if (flops > 0) { gemmTotal += us * count; gemmFlops += flops * count; }
        }
        foreach (var (name, count, us, flops) in rowsOut)
        {
            string rate = flops > 0 ? (flops / us / 1e3).ToString("F0", CultureInfo.InvariantCulture) + " GFLOP/s" : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-36} {us,9:F1} × {count,2} = {us * count,8:F0}  {100 * us * count / total,5:F1}%  {rate}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  sum {total:F0} µs: GEMMs {gemmTotal:F0} µs ({gemmFlops / gemmTotal / 1e3:F0} GFLOP/s), the rest {total - gemmTotal:F0} µs"));
        var net = new BenchTinyGpt(batch, 0);
        var optimizer = new Adam(1e-4f);
        double step = Measure.BestSeconds(() => net.TrainStep(ids, labels, optimizer), runs: 9) * 1e6;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  the generated network's training step: {step:F0} µs"));
    }
}
