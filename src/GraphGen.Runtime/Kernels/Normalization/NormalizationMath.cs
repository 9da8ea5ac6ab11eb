using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// The loops of batch and layer normalisation, in double: floats are widened to 8-lane double
/// vectors, summed lane by lane in index order, and the lanes are added in a fixed order at the
/// end (then the scalar tail), so a sum is the same bits on every call. Outputs are computed in
/// double from (x − μ), so a large mean costs no precision, and rounded to float once.
/// </summary>
/// <remarks>
/// The loops are compiled fully optimised at once (AggressiveOptimization: no tiering, so no dynamic
/// PGO). With tiering, the code dynamic PGO settled on differed from process to process: a 2048×128
/// LayerNorm forward took 73–118 µs in some runs of `profile-gpt` and 850–1510 µs in others, and
/// 73–93 µs in every run with DOTNET_TieredPGO=0 (issue 14).
/// </remarks>
internal static class NormalizationMath
{
    /// <summary>Σ x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        double total = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<double> a = default, b = default;
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                a += lo;
                b += hi;
            }
            total = Lanes(a + b);
        }
        for (; i < n; i++) total += Unsafe.Add(ref xr, i);
        return total;
    }

    /// <summary>
    /// The mean and 1/√(variance + ε) of two rows of equal length (LayerNorm's statistics), each
    /// exactly as <see cref="Sum"/> and <see cref="SumSquares"/> compute it alone: the same operations
    /// in the same order per row, the two rows' chains interleaved so that each hides the other's
    /// add latency (a row of 128 floats is 8 dependent adds per chain).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowStatistics2(ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, double epsilon,
        out double mean0, out double invStd0, out double mean1, out double invStd1)
    {
        int n = x0.Length, i = 0;
        if (!Vector512.IsHardwareAccelerated || n < 16 || x1.Length != n)
        {
            mean0 = Sum(x0) / n; invStd0 = 1.0 / Math.Sqrt(SumSquares(x0, mean0) / n + epsilon);
            mean1 = Sum(x1) / x1.Length; invStd1 = 1.0 / Math.Sqrt(SumSquares(x1, mean1) / x1.Length + epsilon);
            return;
        }
        ref float r0 = ref MemoryMarshal.GetReference(x0);
        ref float r1 = ref MemoryMarshal.GetReference(x1);
        Vector512<double> a0 = default, b0 = default, a1 = default, b1 = default;
        for (; i <= n - 16; i += 16)
        {
            var (lo0, hi0) = Vector512.Widen(Vector512.LoadUnsafe(ref r0, (nuint)i));
            var (lo1, hi1) = Vector512.Widen(Vector512.LoadUnsafe(ref r1, (nuint)i));
            a0 += lo0; b0 += hi0;
            a1 += lo1; b1 += hi1;
        }
        double sum0 = Lanes(a0 + b0), sum1 = Lanes(a1 + b1);
        for (int j = i; j < n; j++) { sum0 += Unsafe.Add(ref r0, j); sum1 += Unsafe.Add(ref r1, j); }
        mean0 = sum0 / n;
        mean1 = sum1 / n;
        var m0 = Vector512.Create(mean0);
        var m1 = Vector512.Create(mean1);
        a0 = b0 = a1 = b1 = default;
        for (i = 0; i <= n - 16; i += 16)
        {
            var (lo0, hi0) = Vector512.Widen(Vector512.LoadUnsafe(ref r0, (nuint)i));
            var (lo1, hi1) = Vector512.Widen(Vector512.LoadUnsafe(ref r1, (nuint)i));
            lo0 -= m0; hi0 -= m0; lo1 -= m1; hi1 -= m1;
            a0 += lo0 * lo0; b0 += hi0 * hi0;
            a1 += lo1 * lo1; b1 += hi1 * hi1;
        }
        double q0 = Lanes(a0 + b0), q1 = Lanes(a1 + b1);
        for (int j = i; j < n; j++)
        {
            double d0 = Unsafe.Add(ref r0, j) - mean0, d1 = Unsafe.Add(ref r1, j) - mean1;
            q0 += d0 * d0;
            q1 += d1 * d1;
        }
        invStd0 = 1.0 / Math.Sqrt(q0 / n + epsilon);
        invStd1 = 1.0 / Math.Sqrt(q1 / n + epsilon);
    }

    /// <summary>Σ (x − mean)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumSquares(ReadOnlySpan<float> x, double mean)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        double total = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var m = Vector512.Create(mean);
            Vector512<double> a = default, b = default;
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                lo -= m;
                hi -= m;
                a += lo * lo;
                b += hi * hi;
            }
            total = Lanes(a + b);
        }
        for (; i < n; i++)
        {
            double d = Unsafe.Add(ref xr, i) - mean;
            total += d * d;
        }
        return total;
    }

    /// <summary>(Σ dy, Σ dy·(x − mean)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double SumDy, double SumDyCentered) SumAndDot(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, double mean)
    {
        int n = dy.Length, i = 0;
        ref float dr = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x.Slice(0, n));
        double sum = 0, dot = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var m = Vector512.Create(mean);
            Vector512<double> s = default, d = default;
            for (; i <= n - 16; i += 16)
            {
                var (glo, ghi) = Vector512.Widen(Vector512.LoadUnsafe(ref dr, (nuint)i));
                var (xlo, xhi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                s += glo + ghi;
                d += glo * (xlo - m) + ghi * (xhi - m);
            }
            sum = Lanes(s);
            dot = Lanes(d);
        }
        for (; i < n; i++)
        {
            double g = Unsafe.Add(ref dr, i);
            sum += g;
            dot += g * (Unsafe.Add(ref xr, i) - mean);
        }
        return (sum, dot);
    }

    /// <summary>
    /// (Σ (x − shift), Σ (x − shift)²) in one pass: BatchNorm's statistics from one read of its input.
    /// With the shift near the mean (the running mean) the two sums do not cancel; in double they do
    /// not lose a float's precision even far from it: Σ(x − μ)² = S₂ − S₁²/N.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Sum, double Squares) ShiftedSums(ReadOnlySpan<float> x, double shift)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        double sum = 0, squares = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var k = Vector512.Create(shift);
            Vector512<double> a = default, b = default, qa = default, qb = default;
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                lo -= k;
                hi -= k;
                a += lo;
                b += hi;
                qa += lo * lo;
                qb += hi * hi;
            }
            sum = Lanes(a + b);
            squares = Lanes(qa + qb);
        }
        for (; i < n; i++)
        {
            double d = Unsafe.Add(ref xr, i) - shift;
            sum += d;
            squares += d * d;
        }
        return (sum, squares);
    }

    /// <summary>y = (float)((x − mean)·scale + shift).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Affine(ReadOnlySpan<float> x, Span<float> y, double mean, double scale, double shift)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y.Slice(0, n));
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(mean);
            var a = Vector512.Create(scale);
            var b = Vector512.Create(shift);
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                Vector512.StoreUnsafe(Vector512.Narrow((lo - m) * a + b, (hi - m) * a + b), ref yr, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) = (float)((Unsafe.Add(ref xr, i) - mean) * scale + shift);
    }

    /// <summary>
    /// dx (+)= (float)(a·dy + b·x̂ + c) with x̂ = (x − mean)·invStd: the normalisation gradient
    /// scale·(N·dy − Σdy − x̂·Σ(dy·x̂)) with a = scale·N, b = −scale·Σ(dy·x̂), c = −scale·Σdy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx, double mean, double invStd,
        double a, double b, double c, bool accumulate)
    {
        int n = dy.Length, i = 0;
        ref float dr = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x.Slice(0, n));
        ref float outr = ref MemoryMarshal.GetReference(dx.Slice(0, n));
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(mean);
            var s = Vector512.Create(invStd);
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            var vc = Vector512.Create(c);
            for (; i <= n - 16; i += 16)
            {
                var (glo, ghi) = Vector512.Widen(Vector512.LoadUnsafe(ref dr, (nuint)i));
                var (xlo, xhi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                var g = Vector512.Narrow(va * glo + vb * ((xlo - m) * s) + vc, va * ghi + vb * ((xhi - m) * s) + vc);
                if (accumulate) g = Vector512.LoadUnsafe(ref outr, (nuint)i) + g;
                Vector512.StoreUnsafe(g, ref outr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            double xhat = (Unsafe.Add(ref xr, i) - mean) * invStd;
            float g = (float)(a * Unsafe.Add(ref dr, i) + b * xhat + c);
            Unsafe.Add(ref outr, i) = accumulate ? Unsafe.Add(ref outr, i) + g : g;
        }
    }

    /// <summary>y = (float)(x̂·γ + β) with x̂ = (x − mean)·invStd, γ and β per element (one row of a layer norm).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AffineRow(ReadOnlySpan<float> x, Span<float> y, double mean, double invStd, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y.Slice(0, n));
        ref float gr = ref MemoryMarshal.GetReference(gamma.Slice(0, n));
        ref float br = ref MemoryMarshal.GetReference(beta.Slice(0, n));
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(mean);
            var s = Vector512.Create(invStd);
            for (; i <= n - 16; i += 16)
            {
                var (xlo, xhi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                var (glo, ghi) = Vector512.Widen(Vector512.LoadUnsafe(ref gr, (nuint)i));
                var (blo, bhi) = Vector512.Widen(Vector512.LoadUnsafe(ref br, (nuint)i));
                Vector512.StoreUnsafe(Vector512.Narrow((xlo - m) * s * glo + blo, (xhi - m) * s * ghi + bhi), ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = (float)((Unsafe.Add(ref xr, i) - mean) * invStd * Unsafe.Add(ref gr, i) + Unsafe.Add(ref br, i));
    }

    /// <summary>(Σ g, Σ g·(x − mean)) with g = dy·γ (one row of a layer norm).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double SumG, double SumGCentered) RowSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, double mean)
    {
        int n = dy.Length, i = 0;
        ref float dr = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x.Slice(0, n));
        ref float gr = ref MemoryMarshal.GetReference(gamma.Slice(0, n));
        double sum = 0, dot = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var m = Vector512.Create(mean);
            Vector512<double> s = default, d = default;
            for (; i <= n - 16; i += 16)
            {
                var (dlo, dhi) = Vector512.Widen(Vector512.LoadUnsafe(ref dr, (nuint)i));
                var (glo, ghi) = Vector512.Widen(Vector512.LoadUnsafe(ref gr, (nuint)i));
                var (xlo, xhi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                var lo = dlo * glo;
                var hi = dhi * ghi;
                s += lo + hi;
                d += lo * (xlo - m) + hi * (xhi - m);
            }
            sum = Lanes(s);
            dot = Lanes(d);
        }
        for (; i < n; i++)
        {
            double g = (double)Unsafe.Add(ref dr, i) * Unsafe.Add(ref gr, i);
            sum += g;
            dot += g * (Unsafe.Add(ref xr, i) - mean);
        }
        return (sum, dot);
    }

    /// <summary>
    /// One row of the layer-norm gradient, dx (+)= (float)(a·dy·γ + b·x̂ + c), and the parameter
    /// gradients' running sums over rows: sumGamma[j] += dy_j·x̂_j, sumBeta[j] += dy_j.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> dx,
        double mean, double invStd, double a, double b, double c, bool accumulate, Span<double> sumGamma, Span<double> sumBeta)
    {
        int n = dy.Length, i = 0;
        ref float dr = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x.Slice(0, n));
        ref float gr = ref MemoryMarshal.GetReference(gamma.Slice(0, n));
        ref float outr = ref MemoryMarshal.GetReference(dx.Slice(0, n));
        ref double sgr = ref MemoryMarshal.GetReference(sumGamma.Slice(0, n));
        ref double sbr = ref MemoryMarshal.GetReference(sumBeta.Slice(0, n));
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(mean);
            var s = Vector512.Create(invStd);
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            var vc = Vector512.Create(c);
            for (; i <= n - 16; i += 16)
            {
                var (dlo, dhi) = Vector512.Widen(Vector512.LoadUnsafe(ref dr, (nuint)i));
                var (glo, ghi) = Vector512.Widen(Vector512.LoadUnsafe(ref gr, (nuint)i));
                var (xlo, xhi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                var hlo = (xlo - m) * s;
                var hhi = (xhi - m) * s;
                var g = Vector512.Narrow(va * (dlo * glo) + vb * hlo + vc, va * (dhi * ghi) + vb * hhi + vc);
                if (accumulate) g = Vector512.LoadUnsafe(ref outr, (nuint)i) + g;
                Vector512.StoreUnsafe(g, ref outr, (nuint)i);
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref sgr, (nuint)i) + dlo * hlo, ref sgr, (nuint)i);
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref sgr, (nuint)(i + 8)) + dhi * hhi, ref sgr, (nuint)(i + 8));
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref sbr, (nuint)i) + dlo, ref sbr, (nuint)i);
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref sbr, (nuint)(i + 8)) + dhi, ref sbr, (nuint)(i + 8));
            }
        }
        for (; i < n; i++)
        {
            double d = Unsafe.Add(ref dr, i);
            double xhat = (Unsafe.Add(ref xr, i) - mean) * invStd;
            float g = (float)(a * (d * Unsafe.Add(ref gr, i)) + b * xhat + c);
            Unsafe.Add(ref outr, i) = accumulate ? Unsafe.Add(ref outr, i) + g : g;
            Unsafe.Add(ref sgr, i) += d * xhat;
            Unsafe.Add(ref sbr, i) += d;
        }
    }

    /// <summary>The eight lanes added in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Lanes(Vector512<double> v)
    {
        double total = 0;
        for (int l = 0; l < 8; l++) total += v[l];
        return total;
    }
}
