using System.Globalization;
using GraphGen.Kernels;

namespace GraphGen.Bench;

/// <summary>
/// `profile-pairs [gpt|cnn] [--threads N]`: what a kernel costs after the kernel before it in a
/// training step, beyond its cost alone. Each pair (A, then B reading what A wrote) of TinyGpt's
/// or FashionResNet's step, on buffers of their sizes, is timed three ways with the quick table's
/// best-of-runs timing: A alone, B alone, and A;B. Alone, a kernel re-reads inputs that stay in
/// both cores' caches; after A, B finds each of A's rows in the cache of the core that wrote it,
/// so "extra" = A;B − A − B is what B (or A's next call) pays for reading rows another core
/// wrote or for A's work left on one core. Pairs near 0 split their work alike (docs/kernels.md,
/// "Where the data lies between kernels").
/// </summary>
public static class PairProfile
{
    private sealed record Pair(string Name, Action First, Action Second);

    public static void Run(TextWriter output, string[] args)
    {
        int threadsAt = Array.IndexOf(args, "--threads");
        if (threadsAt >= 0) Gemm.MaxThreads = int.Parse(args[threadsAt + 1], CultureInfo.InvariantCulture);
        var names = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (threadsAt < 0 || i != threadsAt + 1)).ToArray();
        output.WriteLine($"{Gemm.MaxThreads} thread(s); µs, best of runs: A alone, B alone, A then B, and the extra of the pair");
        foreach (var (set, pairs) in new[] { ("gpt", (Func<Pair[]>)GptPairs), ("cnn", CnnPairs) })
        {
            if (names.Length > 0 && !names.Contains(set)) continue;
            output.WriteLine();
            output.WriteLine(set == "gpt" ? "tiny-gpt b32 (2048 rows of 128)" : "resnet-fashion b64, 16→16 3×3 on 14×14");
            Measure(output, pairs());
        }
    }

    private static void Measure(TextWriter output, Pair[] pairs)
    {
        // Every pair for a second and more first: tier-1 code for all of them (see profile-gpt).
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1.5)
            foreach (var pair in pairs) { pair.First(); pair.Second(); }
        static double Time(Action a) => GraphGen.Bench.Measure.BestSeconds(a, runs: 9, warmupSeconds: 0.1, runSeconds: 0.02) * 1e6;
        foreach (var (name, first, second) in pairs)
        {
            double a = Time(first), b = Time(second), both = Time(() => { first(); second(); });
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-34} A {a,7:F0}  B {b,7:F0}  A;B {both,7:F0}  extra {both - a - b,6:F0} ({100 * (both - a - b) / (a + b),4:F0}%)"));
        }
    }

    private static float[] Random(SeededRandom rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.NextSingle() - 0.5f;
        return a;
    }

    /// <summary>Consecutive calls of TinyGpt's step (forward, then backward), as the generated code makes them.</summary>
    private static Pair[] GptPairs()
    {
        const int rows = 32 * 64, w = 128, problems = 32 * 4, t = 64, d = 32, vocabulary = 96;
        const float scale = 0.17677669f;
        var rng = new SeededRandom(5);
        float[] R(int n) => Random(rng, n);
        float[] x = R(rows * w), n = R(rows * w), q = R(rows * w), dx = R(rows * w), dy = R(rows * w), sum = R(rows * w);
        float[] up = R(rows * 4 * w), hidden = R(rows * 4 * w), dUp = R(rows * 4 * w);
        float[] wq = R(w * w), bq = R(w), wUp = R(4 * w * w), bUp = R(4 * w), wDown = R(4 * w * w), dwq = R(w * w), dwUp = R(4 * w * w);
        float[] heads = R(rows * w), keys = R(rows * w), values = R(rows * w), scores = R(problems * t * t), probs = R(problems * t * t), dScores = R(problems * t * t);
        float[] logits = R(rows * vocabulary), dLogits = R(rows * vocabulary), wHead = R(vocabulary * w), dwHead = R(vocabulary * w), dBias = R(4 * w);
        float[] g = R(w), b = R(w), mean = R(rows), invStd = Enumerable.Repeat(1f, rows).ToArray(), dg = R(w), db = R(w);
        int[] labels = Enumerable.Range(0, rows).Select(i => i % vocabulary).ToArray();
        Action layerNorm = () => LayerNorm.Forward(rows, w, sum, g, b, n, mean, invStd);
        Action query = () => Gemm.MultiplyTransposedB(n, wq, q, rows, w, w, bq);
        Action split = () => Permute.SplitHeads(32, t, 4, d, q, heads, accumulate: false);
        Action qk = () => BatchedGemm.Multiply(problems, false, true, t, t, d, heads, keys, scores, accumulate: false);
        Action softmax = () => CausalSoftmax.Forward(problems, t, scores, probs, scale);
        Action pv = () => BatchedGemm.Multiply(problems, false, false, t, d, t, probs, values, heads, accumulate: false);
        Action merge = () => Permute.MergeHeads(32, t, 4, d, heads, q, accumulate: false);
        Action projection = () => Gemm.MultiplyTransposedB(q, wq, dx, rows, w, w, bq);
        Action residual = () => Elementwise.Add(x, dx, sum);
        // up then GELU is one GEMM in training: it writes GELU(z) and saves GELU′(z) (in up: z itself is never stored).
        Action upward = () => Gemm.MultiplyTransposedB(n, wUp, hidden, rows, 4 * w, w, bUp, new Gelu(), derivative: up);
        Action down = () => Gemm.MultiplyTransposedB(hidden, wDown, dx, rows, w, 4 * w, bq);
        Action loss = () => Losses.SoftmaxCrossEntropy(logits, labels, dLogits, rows, vocabulary);
        Action headWeight = () => Gemm.MultiplyTransposedA(dLogits, n, dwHead, vocabulary, w, rows);
        Action headInput = () => Gemm.Multiply(dLogits, wHead, dy, rows, w, vocabulary);
        Action layerNormBackward = () => LayerNorm.Backward(rows, w, dy, sum, g, mean, invStd, dx, dg, db, accumulate: false);
        Action downWeight = () => Gemm.MultiplyTransposedA(dx, hidden, dwUp, w, 4 * w, rows);
        Action downInput = () => Gemm.Multiply(dx, wDown, dUp, rows, 4 * w, w, new Saved<Gelu>(), up);
        Action upBias = () => Bias.SumRows(dUp, dBias, rows, 4 * w, accumulate: false);
        Action upWeight = () => Gemm.MultiplyTransposedA(dUp, n, dwUp, 4 * w, w, rows);
        Action upInput = () => Gemm.Multiply(dUp, wUp, dy, rows, w, 4 * w);
        Action projectionInput = () => Gemm.Multiply(dy, wq, dx, rows, w, w);
        Action splitGradient = () => Permute.SplitHeads(32, t, 4, d, dx, heads, accumulate: false);
        Action dProbs = () => BatchedGemm.Multiply(problems, false, true, t, t, d, heads, values, scores, accumulate: false);
        Action softmaxBackward = () => CausalSoftmax.Backward(problems, t, probs, scores, dScores, accumulate: false, scale);
        Action dQuery = () => BatchedGemm.Multiply(problems, false, false, t, d, t, dScores, keys, heads, accumulate: false);
        Action mergeGradient = () => Permute.MergeHeads(32, t, 4, d, heads, dx, accumulate: false);
        Action queryWeight = () => Gemm.MultiplyTransposedA(dx, n, dwq, w, w, rows);
        Action queryBias = () => Bias.SumRows(dx, dBias.AsSpan(0, w), rows, w, accumulate: false);
        Action queryInput = () => Gemm.Multiply(dx, wq, dy, rows, w, w, accumulate: true);
        return
        [
            new("LayerNorm → query", layerNorm, query),
            new("query → split heads", query, split),
            new("split heads → Q·Kᵀ", split, qk),
            new("Q·Kᵀ → causal softmax (scaled)", qk, softmax),
            new("causal softmax → P·V", softmax, pv),
            new("P·V → merge heads", pv, merge),
            new("merge heads → projection", merge, projection),
            new("projection → residual add", projection, residual),
            new("residual add → LayerNorm", residual, layerNorm),
            new("up + GELU (slope saved) → down", upward, down),
            new("loss → head dW", loss, headWeight),
            new("head dW → head dX", headWeight, headInput),
            new("head dX → LayerNorm backward", headInput, layerNormBackward),
            new("LayerNorm backward → down dW", layerNormBackward, downWeight),
            new("down dW → down dX ⊙ saved GELU′", downWeight, downInput),
            new("down dX ⊙ saved GELU′ → up bias sum", downInput, upBias),
            new("down dX ⊙ saved GELU′ → up dW", downInput, upWeight),
            new("up dW → up dX", upWeight, upInput),
            new("projection dX → split heads", projectionInput, splitGradient),
            new("split heads → dP", splitGradient, dProbs),
            new("dP → causal softmax backward", dProbs, softmaxBackward),
            new("causal softmax backward → dQ", softmaxBackward, dQuery),
            new("dQ → merge heads", dQuery, mergeGradient),
            new("merge heads → query dW", mergeGradient, queryWeight),
            new("query dW → query bias sum", queryWeight, queryBias),
            new("query dW → query dX (+=)", queryWeight, queryInput),
        ];
    }

    /// <summary>Consecutive calls around one of FashionResNet's 16-channel convolutions, forward and backward.</summary>
    private static Pair[] CnnPairs()
    {
        const int batch = 64, channels = 16, plane = 14 * 14;
        var shape = new Conv2dShape(channels, 14, 14, channels, 3, 3, PadH: 1, PadW: 1);
        var rng = new SeededRandom(6);
        int size = batch * channels * plane;
        float[] R(int n) => Random(rng, n);
        float[] x = R(size), y = R(size), z = R(size), h = R(size), dy = R(size), dz = R(size), dx = R(size), w = R(shape.WeightSize), dw = R(shape.WeightSize);
        float[] g = R(channels), b = R(channels), mean = R(channels), invStd = R(channels), runningMean = R(channels), dg = R(channels), db = R(channels);
        float[] runningVar = Enumerable.Repeat(1f, channels).ToArray();
        Action convolution = () => Conv2d.Forward(in shape, batch, x, w, default, y);
        Action batchNorm = () => BatchNorm.ForwardTraining(batch, channels, plane, y, g, b, z, mean, invStd, runningMean, runningVar);
        Action relu = () => Activations.Forward(new Relu(), z, h);
        Action next = () => Conv2d.Forward(in shape, batch, h, w, default, y);
        Action inputGradient = () => Conv2d.BackwardInput(in shape, batch, dy, w, dz, accumulate: false);
        Action reluBackward = () => Activations.Backward(new Relu(), h, dz, dx, accumulate: false);
        Action batchNormBackward = () => BatchNorm.Backward(batch, channels, plane, dx, y, g, mean, invStd, dz, dg, db, accumulate: false);
        Action weightGradient = () => Conv2d.BackwardWeight(in shape, batch, h, dz, dw, default, accumulate: false);
        Action previousInputGradient = () => Conv2d.BackwardInput(in shape, batch, dz, w, dy, accumulate: false);
        return
        [
            new("convolution → BatchNorm", convolution, batchNorm),
            new("BatchNorm → ReLU", batchNorm, relu),
            new("ReLU → convolution", relu, next),
            new("input gradient → ReLU backward", inputGradient, reluBackward),
            new("ReLU backward → BatchNorm backward", reluBackward, batchNormBackward),
            new("BatchNorm backward → weight gradient", batchNormBackward, weightGradient),
            new("BatchNorm backward → input gradient", batchNormBackward, previousInputGradient),
        ];
    }
}
