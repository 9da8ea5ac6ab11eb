using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// Loss functions with PyTorch's "mean" reduction, each computing the loss and, when a
/// gradient span is given, its gradient in the same pass. <c>weight</c> is the factor the
/// loss carries in the total (1 for a plain loss): gradients are scaled by it.
/// </summary>
public static class Losses
{
    /// <summary>
    /// Softmax cross-entropy with integer labels, mean over the batch:
    /// loss = (1/B) Σ_b [log Σ_j exp(z[b,j] − m_b) − (z[b, y_b] − m_b)], m_b = max_j z[b,j];
    /// dz[b,j] = weight · (softmax(z_b)[j] − [j = y_b]) / B.
    /// Shifting by the row maximum keeps it exact for logits of 1e4 and beyond.
    /// With <paramref name="ignoreLabel"/> (PyTorch's ignore_index: padding positions of a
    /// sequence), rows with that label add nothing and get a zero gradient, and B is the number of
    /// the other rows; when every row is ignored the loss is 0 (PyTorch gives NaN).
    /// </summary>
    /// <remarks>
    /// With AVX-512 a row is whole 16-lane vectors and a masked last one (10 classes: one masked
    /// vector): exponentials by <see cref="VectorMath.Exp(Vector512{float})"/>, stored in dz on the
    /// way and scaled in place, the sum of a row as 16 lane sums added in a fixed tree. Without
    /// AVX-512, the scalar loop with <see cref="MathF.Exp"/>. Either way the loss terms are added in
    /// double in row order; each row is computed alone, so the result does not depend on the batch
    /// around it.
    /// </remarks>
    public static unsafe float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> dlogits,
        int batch, int classes, float weight = 1f, bool accumulate = false, int? ignoreLabel = null)
    {
        const string Kernel = "SoftmaxCrossEntropy";
        KernelChecks.NotLess(batch, 0, Kernel, nameof(batch));
        KernelChecks.NotLess(classes, 1, Kernel, nameof(classes));
        KernelChecks.Length(logits.Length, Kernel, nameof(logits), "[batch, classes]", batch, classes);
        if (labels.Length < batch)
            throw new ArgumentException($"{Kernel}: labels must hold {batch} class indices (one per row) but holds {labels.Length}.", nameof(labels));
        bool wantGradient = !dlogits.IsEmpty;
        if (wantGradient) KernelChecks.Length(dlogits.Length, Kernel, nameof(dlogits), "[batch, classes]", batch, classes);
        if (ignoreLabel is >= 0 && ignoreLabel < classes)
            throw new ArgumentOutOfRangeException(nameof(ignoreLabel), ignoreLabel, $"{Kernel}: the ignored label must not be a class index (0..{classes - 1}).");
        int ignored = ignoreLabel ?? -1, scored = batch;
        for (int b = 0; b < batch; b++)
        {
            if ((uint)labels[b] < (uint)classes) continue;
            if (ignoreLabel == labels[b]) { scored--; continue; }
            throw new ArgumentOutOfRangeException(nameof(labels), labels[b], $"{Kernel}: label {b} is {labels[b]}, but class indices must be in 0..{classes - 1}"
                + (ignoreLabel is { } i ? $" (or {i}, the ignored label)." : "."));
        }
        if (scored == 0)
        {
            if (wantGradient && !accumulate) dlogits[..(batch * classes)].Clear();
            return 0f;
        }
        double total;
        fixed (float* z = logits, dz = dlogits)
        fixed (int* y = labels)
        {
            total = Avx512F.IsSupported
                ? SoftmaxCrossEntropy512(z, y, wantGradient ? dz : null, batch, classes, weight / scored, accumulate, ignored)
                : SoftmaxCrossEntropyScalar(z, y, wantGradient ? dz : null, batch, classes, weight / scored, accumulate, ignored);
        }
        return (float)(total / scored);
    }

    /// <summary>Σ_b of the rows' loss terms (in double, row order); dz as documented when not null.</summary>
    private static unsafe double SoftmaxCrossEntropy512(float* logits, int* labels, float* dlogits, int batch, int classes,
        float gradScale, bool accumulate, int ignored)
    {
        // Rows go in blocks: the vector work of a block first, then its logarithms (calls that
        // would otherwise force every vector register to be saved around them, row after row).
        // A long batch's blocks run over the pool (each thread its contiguous run of rows, as the
        // head's GEMM wrote them and its weight gradient's depth slices will read them: on the
        // calling thread alone, TinyGpt's 2048 × 96 loss left that weight gradient 109 µs slower
        // than alone). Each row's term is kept as a float and added here in double in row order,
        // so every thread count gives the same bits.
        var terms = KernelWorkspace.ForCurrentThread().Lanes(batch);
        fixed (float* pt = terms)
        {
            var work = CrossEntropyBlocks.ForCurrentThread();
            work.Set(logits, labels, dlogits, batch, classes, gradScale, accumulate, ignored, pt);
            WorkerPool.Run(work, (batch + CrossEntropyBlocks.Rows - 1) / CrossEntropyBlocks.Rows,
                WorkerPool.ThreadsFor((long)batch * classes, CrossEntropyBlocks.ParallelMinFloats));
            double total = 0;
            for (int b = 0; b < batch; b++) total += pt[b];
            return total;
        }
    }

    /// <summary>Part i: rows [i·Rows, (i + 1)·Rows) of the AVX-512 softmax cross-entropy, each row's loss term into terms.</summary>
    private sealed unsafe class CrossEntropyBlocks : ParallelWork
    {
        public const int Rows = 64;
        public const long ParallelMinFloats = 1L << 16;
        [ThreadStatic] private static CrossEntropyBlocks? t_instance;
        private float* _logits, _dlogits, _terms;
        private int* _labels;
        private int _batch, _classes, _ignored;
        private float _gradScale;
        private bool _accumulate;

        public static CrossEntropyBlocks ForCurrentThread() => t_instance ??= new CrossEntropyBlocks();

        public void Set(float* logits, int* labels, float* dlogits, int batch, int classes, float gradScale, bool accumulate, int ignored, float* terms)
        {
            _logits = logits; _labels = labels; _dlogits = dlogits; _batch = batch; _classes = classes;
            _gradScale = gradScale; _accumulate = accumulate; _ignored = ignored; _terms = terms;
        }

        public override void RunPart(int block)
        {
            int b0 = block * Rows, rows = Math.Min(Rows, _batch - b0);
            float* sums = stackalloc float[Rows];
            float* shifted = stackalloc float[Rows];
            SoftmaxCrossEntropyRows512(_logits + (nint)b0 * _classes, _labels + b0, _dlogits == null ? null : _dlogits + (nint)b0 * _classes,
                rows, _classes, _gradScale, _accumulate, sums, shifted, _ignored);
            for (int r = 0; r < rows; r++) _terms[b0 + r] = MathF.Log(sums[r]) - shifted[r];
        }
    }

    /// <summary>
    /// For each row: sums[r] = Σ_j exp(z[r,j] − m_r) and shifted[r] = z[r, y_r] − m_r, and the
    /// gradient when <paramref name="dlogits"/> is not null. An ignored row (label
    /// <paramref name="ignored"/>, never a class index) gets sums 1 and shifted 0, a term of 0,
    /// and a zero gradient.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SoftmaxCrossEntropyRows512(float* logits, int* labels, float* dlogits, int rows, int classes,
        float gradScale, bool accumulate, float* sums, float* shifted, int ignored)
    {
        int full = classes & ~15, tail = classes - full;
        var tailMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(tail)).AsSingle();
        var negativeInfinity = Vector512.Create(float.NegativeInfinity);
        var scale = Vector512.Create(gradScale);
        // Without a gradient, or when accumulating, the exponentials cannot be parked in dz.
        bool park = dlogits != null && !accumulate;
        for (int b = 0; b < rows; b++)
        {
            if (labels[b] == ignored)
            {
                sums[b] = 1f;
                shifted[b] = 0f;
                if (dlogits != null && !accumulate) new Span<float>(dlogits + (nint)b * classes, classes).Clear();
                continue;
            }
            float* z = logits + (nint)b * classes;
            // max: vmaxps (a NaN logit makes the row's sum, hence its loss and gradient, NaN anyway).
            var vmax = negativeInfinity;
            for (int j = 0; j < full; j += 16) vmax = Vector512.MaxNative(vmax, Vector512.Load(z + j));
            if (tail != 0) vmax = Vector512.MaxNative(vmax, Avx512F.MaskLoad(z + full, tailMask, negativeInfinity));
            float max = LaneMax(vmax);
            var m = Vector512.Create(max);

            float* dz = dlogits + (nint)b * classes;
            var acc = Vector512<float>.Zero;
            for (int j = 0; j < full; j += 16)
            {
                var e = VectorMath.Exp(Vector512.Load(z + j) - m);
                if (park) Vector512.Store(e, dz + j);
                acc += e;
            }
            if (tail != 0)
            {
                // Masked lanes load max: exp(0) = 1, no overflow or subnormal, dropped from the sum.
                var e = Vector512.ConditionalSelect(tailMask, VectorMath.Exp(Avx512F.MaskLoad(z + full, tailMask, m) - m), Vector512<float>.Zero);
                if (park) Avx512F.MaskStore(dz + full, tailMask, e);
                acc += e;
            }
            float sum = LaneSum(acc);
            int label = labels[b];
            sums[b] = sum;
            shifted[b] = z[label] - max;
            if (dlogits == null) continue;

            var inv = Vector512.Create(1f / sum);
            for (int j = 0; j < full; j += 16)
            {
                var e = park ? Vector512.Load(dz + j) : VectorMath.Exp(Vector512.Load(z + j) - m);
                var g = (e * inv - OneHot(label - j)) * scale;
                Vector512.Store(accumulate ? Vector512.Load(dz + j) + g : g, dz + j);
            }
            if (tail != 0)
            {
                var e = park ? Avx512F.MaskLoad(dz + full, tailMask, Vector512<float>.Zero)
                    : VectorMath.Exp(Avx512F.MaskLoad(z + full, tailMask, m) - m);
                var g = (e * inv - OneHot(label - full)) * scale;
                if (accumulate) g = Avx512F.MaskLoad(dz + full, tailMask, Vector512<float>.Zero) + g;
                Avx512F.MaskStore(dz + full, tailMask, g);
            }
        }
    }

    /// <summary>1 in lane <paramref name="lane"/> (none when it is outside 0..15), 0 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> OneHot(int lane) =>
        Vector512.ConditionalSelect(Vector512.Equals(Vector512<int>.Indices, Vector512.Create(lane)).AsSingle(), Vector512<float>.One, Vector512<float>.Zero);

    /// <summary>The definition, one element at a time (machines without AVX-512).</summary>
    private static unsafe double SoftmaxCrossEntropyScalar(float* logits, int* labels, float* dlogits, int batch, int classes,
        float gradScale, bool accumulate, int ignored)
    {
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            if (labels[b] == ignored)
            {
                if (dlogits != null && !accumulate) new Span<float>(dlogits + (nint)b * classes, classes).Clear();
                continue;
            }
            float* z = logits + (nint)b * classes;
            float max = float.NegativeInfinity;
            for (int j = 0; j < classes; j++) max = MathF.Max(max, z[j]);
            float sum = 0f;
            for (int j = 0; j < classes; j++) sum += MathF.Exp(z[j] - max);
            int label = labels[b];
            total += MathF.Log(sum) - (z[label] - max);
            if (dlogits == null) continue;
            float* dz = dlogits + (nint)b * classes;
            float inv = 1f / sum;
            for (int j = 0; j < classes; j++)
            {
                float g = (MathF.Exp(z[j] - max) * inv - (j == label ? 1f : 0f)) * gradScale;
                dz[j] = accumulate ? dz[j] + g : g;
            }
        }
        return total;
    }

    /// <summary>max over the 16 lanes (a NaN lane may or may not win: only used where a NaN poisons the result anyway).</summary>
    private static float LaneMax(Vector512<float> v)
    {
        var h = Vector256.MaxNative(v.GetLower(), v.GetUpper());
        var q = Vector128.MaxNative(h.GetLower(), h.GetUpper());
        return MathF.Max(MathF.Max(q[0], q[1]), MathF.Max(q[2], q[3]));
    }

    /// <summary>Σ of the 16 lanes in a fixed tree: halves, quarters, then (q0 + q1) + (q2 + q3).</summary>
    private static float LaneSum(Vector512<float> v)
    {
        var h = v.GetLower() + v.GetUpper();
        var q = h.GetLower() + h.GetUpper();
        return (q[0] + q[1]) + (q[2] + q[3]);
    }

    /// <summary>
    /// Binary cross-entropy on probabilities p ∈ [0, 1], mean over all B·n elements:
    /// loss = −mean(y·log p + (1−y)·log(1−p)), each log clamped at −100 as in PyTorch;
    /// dp = weight · (p − y) / max(p·(1−p), 1e−12) / (B·n).
    /// </summary>
    public static float BinaryCrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> y, Span<float> dp, int count,
        float weight = 1f, bool accumulate = false)
    {
        double total = 0;
        float gradScale = weight / count;
        for (int i = 0; i < count; i++)
        {
            float logP = MathF.Max(MathF.Log(p[i]), -100f);
            float log1mP = MathF.Max(MathF.Log(1f - p[i]), -100f);
            total -= y[i] * logP + (1f - y[i]) * log1mP;
            if (dp.IsEmpty) continue;
            float g = (p[i] - y[i]) / MathF.Max(p[i] * (1f - p[i]), 1e-12f) * gradScale;
            dp[i] = accumulate ? dp[i] + g : g;
        }
        return (float)(total / count);
    }

    /// <summary>
    /// Binary cross-entropy on logits z (sigmoid folded in, stable for any z), mean over B·n:
    /// loss = mean(max(z, 0) − z·y + log(1 + e^(−|z|)));  dz = weight · (σ(z) − y) / (B·n).
    /// </summary>
    public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> dz, int count,
        float weight = 1f, bool accumulate = false)
    {
        double total = 0;
        float gradScale = weight / count;
        for (int i = 0; i < count; i++)
        {
            total += MathF.Max(z[i], 0f) - z[i] * y[i] + MathF.Log(1f + MathF.Exp(-MathF.Abs(z[i])));
            if (dz.IsEmpty) continue;
            float g = (SpecialFunctions.Sigmoid(z[i]) - y[i]) * gradScale;
            dz[i] = accumulate ? dz[i] + g : g;
        }
        return (float)(total / count);
    }

    /// <summary>Mean squared error over all B·n elements: loss = mean((ŷ − y)²);  dŷ = weight · 2(ŷ − y) / (B·n).</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> dprediction, int count,
        float weight = 1f, bool accumulate = false)
    {
        double total = 0;
        float gradScale = 2f * weight / count;
        for (int i = 0; i < count; i++)
        {
            float diff = prediction[i] - target[i];
            total += (double)diff * diff;
            if (dprediction.IsEmpty) continue;
            float g = diff * gradScale;
            dprediction[i] = accumulate ? dprediction[i] + g : g;
        }
        return (float)(total / count);
    }

    /// <summary>
    /// KL(N(μ, σ²) ‖ N(0, 1)) summed over the latent dimensions, mean over the batch (a VAE's
    /// regulariser), with log σ² = logVar: loss = (1/B) Σ_b Σ_j −½ (1 + lv − μ² − e^lv);
    /// dμ = weight · μ / B;  dlv = weight · ½ (e^lv − 1) / B.
    /// </summary>
    public static float KlDivergence(ReadOnlySpan<float> mu, ReadOnlySpan<float> logVar, Span<float> dmu, Span<float> dlogVar,
        int batch, int latent, float weight = 1f, bool accumulateMu = false, bool accumulateLogVar = false)
    {
        int count = batch * latent;
        if (mu.Length < count || logVar.Length < count)
            throw new ArgumentException($"KlDivergence: μ and log σ² need {count} values ({batch} × {latent}); got {mu.Length} and {logVar.Length}.");
        double total = 0;
        float scale = weight / batch;
        for (int i = 0; i < count; i++)
        {
            float e = MathF.Exp(logVar[i]);
            total += -0.5 * (1 + logVar[i] - (double)mu[i] * mu[i] - e);
            if (!dmu.IsEmpty)
            {
                float g = mu[i] * scale;
                dmu[i] = accumulateMu ? dmu[i] + g : g;
            }
            if (!dlogVar.IsEmpty)
            {
                float g = 0.5f * (e - 1f) * scale;
                dlogVar[i] = accumulateLogVar ? dlogVar[i] + g : g;
            }
        }
        return (float)(total / batch);
    }
}
