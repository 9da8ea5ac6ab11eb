using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GraphGen.Kernels;

namespace GraphGen;

/// <summary>
/// Adam (Kingma and Ba, 2015) as torch.optim.Adam, with L2 weight decay added to the gradient:
/// g = ∇ + λ·θ;  m = β₁·m + (1−β₁)·g;  v = β₂·v + (1−β₂)·g²;
/// θ = θ − η · (m / (1−β₁ᵗ)) / (sqrt(v / (1−β₂ᵗ)) + ε).
/// <see cref="AdamW"/> decouples the decay instead.
/// </summary>
public class Adam : Optimizer
{
    private float[] _m = [], _v = [];

    /// <summary>Adam with PyTorch's defaults.</summary>
    /// <param name="learningRate">The step size η: zero or a positive finite number.</param>
    /// <param name="beta1">β₁, the decay of the first-moment average, in [0, 1).</param>
    /// <param name="beta2">β₂, the decay of the second-moment average, in [0, 1).</param>
    /// <param name="epsilon">ε, added to the denominator: a positive finite number.</param>
    /// <param name="weightDecay">λ, the L2 penalty added to the gradient (decoupled in <see cref="AdamW"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN, infinite or out of its range.</exception>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : base(learningRate, weightDecay)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1)");
        if (!(epsilon > 0) || !float.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be a positive finite number");
        Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon;
    }

    /// <summary>β₁, the decay of the running average of gradients (exp_avg).</summary>
    public float Beta1 { get; }

    /// <summary>β₂, the decay of the running average of squared gradients (exp_avg_sq).</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to the square root of the second moment so the step stays finite.</summary>
    public float Epsilon { get; }

    /// <summary>True for AdamW: θ is shrunk by (1 − η·λ) instead of adding λ·θ to the gradient.</summary>
    protected virtual bool DecoupledWeightDecay => false;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{GetType().Name}(lr={LearningRate:G4}, betas=({Beta1:G4}, {Beta2:G4}), eps={Epsilon:G4}, weight_decay={WeightDecay:G4})";

    /// <summary>"exp_avg" (m, the first moment) and "exp_avg_sq" (v, the second), as PyTorch names them.</summary>
    protected override IReadOnlyList<(string Name, float[] Values)> StateBuffers => [("exp_avg", _m), ("exp_avg_sq", _v)];

    /// <inheritdoc/>
    protected override void AllocateState(int count)
    {
        _m = new float[count];
        _v = new float[count];
    }

    /// <inheritdoc/>
    protected override unsafe void Update(Span<float> p, ReadOnlySpan<float> g)
    {
        // Bias corrections in double, rounded once, as PyTorch does on the CPU.
        float correction1 = (float)(1 - Math.Pow(Beta1, StepCount));
        float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, StepCount));
        float stepSize = LearningRate / correction1;
        float b1 = Beta1, b2 = Beta2, eps = Epsilon;
        float l2 = DecoupledWeightDecay ? 0f : WeightDecay;
        float shrink = DecoupledWeightDecay ? 1f - LearningRate * WeightDecay : 1f;
        var c = new Constants(b1, b2, l2, shrink, stepSize, correction2Sqrt, eps);
        fixed (float* pp = p, pg = g, pm = _m, pv = _v)
        {
            int n = p.Length;
            int ranges = ParallelUpdate.Ranges(n, ParallelUpdate.MinFloats, out int rangeFloats);
            if (ranges == 1)
            {
                UpdateRange(pp, pg, pm, pv, 0, n, in c);
                return;
            }
            var work = _work ??= new Work();
            work.Set(pp, pg, pm, pv, n, rangeFloats, c);
            ParallelUpdate.Run(work, ranges);
            work.Set(null, null, null, null, 0, 0, default);
        }
    }

    private Work? _work;

    /// <summary>One update split into ranges of the arena (reused from step to step: nothing is allocated per call).</summary>
    private sealed unsafe class Work : ParallelWork
    {
        private float* _p, _g, _m, _v;
        private int _n, _rangeFloats;
        private Constants _c;

        public void Set(float* p, float* g, float* m, float* v, int n, int rangeFloats, Constants c)
        {
            _p = p; _g = g; _m = m; _v = v; _n = n; _rangeFloats = rangeFloats; _c = c;
        }

        public override void RunPart(int part)
        {
            int from = part * _rangeFloats;
            UpdateRange(_p, _g, _m, _v, from, Math.Min(_n, from + _rangeFloats), in _c);
        }
    }

    /// <summary>Elements [from, to) of the arena.</summary>
    private static unsafe void UpdateRange(float* p, float* g, float* m, float* v, int from, int to, in Constants c)
    {
        int i = from;
        if (Vector512.IsHardwareAccelerated) i = Update512(p, g, m, v, i, to, in c);
        if (Vector256.IsHardwareAccelerated) i = Update256(p, g, m, v, i, to, in c);
        for (; i < to; i++) StepScalar(p + i, g + i, m + i, v + i, in c);
    }

    /// <summary>How far ahead (floats) the vector loop prefetches each stream: 2 KiB (measured against 0.5, 1, 4 and 8 KiB).</summary>
    internal const int PrefetchFloats = 512;

    /// <summary>The update's constants for one step.</summary>
    private readonly record struct Constants(float B1, float B2, float L2, float Shrink, float StepSize, float Correction2Sqrt, float Eps);

    // The three forms below are the same sequence of IEEE operations on each element (products
    // and sums kept apart, no fused multiply-add), so a parameter's update does not depend on
    // the vector width or on where the arena's tail starts.

    /// <summary>Elements [from, returned) in 16-lane vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Update512(float* p, float* g, float* m, float* v, int from, int n, in Constants c)
    {
        var shrink = Vector512.Create(c.Shrink); var l2 = Vector512.Create(c.L2);
        var b1 = Vector512.Create(c.B1); var oneMinusB1 = Vector512.Create(1 - c.B1);
        var b2 = Vector512.Create(c.B2); var oneMinusB2 = Vector512.Create(1 - c.B2);
        var c2 = Vector512.Create(c.Correction2Sqrt); var eps = Vector512.Create(c.Eps); var step = Vector512.Create(c.StepSize);
        int i = from;
        for (; i <= n - 16; i += 16)
        {
            // One line of each of the four streams per iteration; ask for the line 2 KiB ahead.
            // Between the GEMMs of a training step the arena has left L2, and the hardware
            // prefetcher alone kept the update waiting (784-128-10: 31 µs inside the step, 24
            // with this; 2109450 parameters: 1000 → 720 µs).
            Sse.Prefetch0(p + i + PrefetchFloats);
            Sse.Prefetch0(g + i + PrefetchFloats);
            Sse.Prefetch0(m + i + PrefetchFloats);
            Sse.Prefetch0(v + i + PrefetchFloats);
            var theta = Vector512.Load(p + i) * shrink;
            var grad = Vector512.Load(g + i) + l2 * theta;
            var mi = b1 * Vector512.Load(m + i) + oneMinusB1 * grad;
            var vi = b2 * Vector512.Load(v + i) + oneMinusB2 * grad * grad;
            Vector512.Store(mi, m + i);
            Vector512.Store(vi, v + i);
            var denominator = Vector512.Sqrt(vi) / c2 + eps;
            Vector512.Store(theta - step * mi / denominator, p + i);
        }
        return i;
    }

    /// <summary>Elements [from, returned) in 8-lane vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Update256(float* p, float* g, float* m, float* v, int from, int n, in Constants c)
    {
        var shrink = Vector256.Create(c.Shrink); var l2 = Vector256.Create(c.L2);
        var b1 = Vector256.Create(c.B1); var oneMinusB1 = Vector256.Create(1 - c.B1);
        var b2 = Vector256.Create(c.B2); var oneMinusB2 = Vector256.Create(1 - c.B2);
        var c2 = Vector256.Create(c.Correction2Sqrt); var eps = Vector256.Create(c.Eps); var step = Vector256.Create(c.StepSize);
        int i = from;
        for (; i <= n - 8; i += 8)
        {
            var theta = Vector256.Load(p + i) * shrink;
            var grad = Vector256.Load(g + i) + l2 * theta;
            var mi = b1 * Vector256.Load(m + i) + oneMinusB1 * grad;
            var vi = b2 * Vector256.Load(v + i) + oneMinusB2 * grad * grad;
            Vector256.Store(mi, m + i);
            Vector256.Store(vi, v + i);
            var denominator = Vector256.Sqrt(vi) / c2 + eps;
            Vector256.Store(theta - step * mi / denominator, p + i);
        }
        return i;
    }

    private static unsafe void StepScalar(float* p, float* g, float* m, float* v, in Constants c)
    {
        float theta = *p * c.Shrink;
        float grad = *g + c.L2 * theta;
        float mi = c.B1 * *m + (1 - c.B1) * grad;
        float vi = c.B2 * *v + (1 - c.B2) * grad * grad;
        *m = mi;
        *v = vi;
        float denominator = MathF.Sqrt(vi) / c.Correction2Sqrt + c.Eps;
        *p = theta - c.StepSize * mi / denominator;
    }
}

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019) as torch.optim.AdamW: decoupled weight decay
/// θ = θ·(1 − η·λ) before the Adam step; default λ = 0.01.
/// </summary>
public sealed class AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
    : Adam(learningRate, beta1, beta2, epsilon, weightDecay)
{
    /// <inheritdoc/>
    protected override bool DecoupledWeightDecay => true;
}
