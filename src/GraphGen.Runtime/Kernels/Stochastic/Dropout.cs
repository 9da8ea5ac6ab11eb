using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// Inverted dropout: each element is kept with probability 1 − p and scaled by 1/(1 − p), so the
/// expected output equals the input and inference needs no rescaling.
/// <code>
/// forward   mask_i = keep_i ? 1/(1 − p) : 0,  y_i = x_i·mask_i
/// backward  dx_i = dy_i·mask_i
/// </code>
/// keep_i is counter-based: element i of call <c>step</c> is kept iff the high 32 bits of
/// <see cref="CounterHash"/>(seed, step, i) are ≥ ⌈p·2³²⌉. The mask is a pure function of
/// (seed, step, i): the same on every machine and thread count, independent of the order of calls,
/// and a training run resumed at step s draws exactly the masks it would have drawn.
/// </summary>
public static class Dropout
{
    /// <summary>Draws the mask of call <paramref name="step"/> from <paramref name="seed"/> and writes y = x ⊙ mask (and the mask, for the backward pass).</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, ulong seed, ulong step)
    {
        const string Kernel = "Dropout.Forward";
        int n = x.Length;
        KernelChecks.Length(y.Length, Kernel, nameof(y), "[x.Length]", n);
        KernelChecks.Length(mask.Length, Kernel, nameof(mask), "[x.Length]", n);
        if (!(p >= 0f && p <= 1f))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"{Kernel}: the drop probability p must be in [0, 1].");
        if (p == 0f)
        {
            x.CopyTo(y);
            mask.Slice(0, n).Fill(1f);
            return;
        }
        if (p == 1f)
        {
            y.Slice(0, n).Clear();
            mask.Slice(0, n).Clear();
            return;
        }
        float scale = 1f / (1f - p);
        ulong threshold = (ulong)Math.Ceiling(p * 4294967296.0);
        ulong key = CounterHash.Key(seed, step, CounterHash.DropoutStream);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var lanes = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
            var gamma = Vector512.Create(CounterHash.Gamma);
            var keyV = Vector512.Create(key);
            var limit = Vector512.Create(threshold);
            var scaleV = Vector256.Create(scale);
            for (; i <= n - 8; i += 8)
            {
                var index = Vector512.Create((ulong)i + 1) + lanes;
                var bits = CounterHash.Mix(keyV + index * gamma);
                var keep = Vector512.GreaterThanOrEqual(Vector512.ShiftRightLogical(bits, 32), limit);
                // Narrow the 64-bit all-ones / zero lanes to 32 bits: the float mask is scale where kept.
                var keep32 = Vector512.Narrow(keep, keep).GetLower().AsSingle();
                var m = Vector256.BitwiseAnd(keep32, scaleV);
                m.StoreUnsafe(ref mask[i]);
                (Vector256.LoadUnsafe(in x[i]) * m).StoreUnsafe(ref y[i]);
            }
        }
        for (; i < n; i++)
        {
            bool keep = CounterHash.At(key, (ulong)i) >> 32 >= threshold;
            mask[i] = keep ? scale : 0f;
            y[i] = x[i] * mask[i];
        }
    }

    /// <summary>dx (+)= dy ⊙ mask.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, Span<float> dx, bool accumulate)
    {
        const string Kernel = "Dropout.Backward";
        int n = dy.Length;
        KernelChecks.Length(mask.Length, Kernel, nameof(mask), "[dy.Length]", n);
        KernelChecks.Length(dx.Length, Kernel, nameof(dx), "[dy.Length]", n);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                var g = Vector256.LoadUnsafe(in dy[i]) * Vector256.LoadUnsafe(in mask[i]);
                if (accumulate) g = Vector256.LoadUnsafe(ref dx[i]) + g;
                g.StoreUnsafe(ref dx[i]);
            }
        for (; i < n; i++)
        {
            float g = dy[i] * mask[i];
            dx[i] = accumulate ? dx[i] + g : g;
        }
    }
}
