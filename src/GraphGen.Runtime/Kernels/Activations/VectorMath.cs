using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// Vectorised exp, σ, tanh, erf and GELU over <see cref="Vector512{T}"/> and
/// <see cref="Vector256{T}"/> lanes. Each follows the scalar definition in
/// <see cref="SpecialFunctions"/> (or <see cref="MathF.Tanh"/>) operation for operation, so the
/// two agree to about 1e−6 relative wherever the scalar form is itself well conditioned.
/// Lanes never interact: a value gives the same result in every lane and at every width
/// that uses the same algorithm (Vector512 and Vector256 share one).
/// </summary>
public static class VectorMath
{
    // exp: x = n·ln2 + r with |r| ≤ ln2/2, e^x = 2^n · e^r. ln2 is split in a short high part
    // (exact in n·Ln2Hi for |n| ≤ 2^9) and a low correction (Cody and Waite), and e^r is the
    // Cephes degree-7 polynomial (about 1 ulp). The scale 2^n is applied as two halves so that
    // results down to the smallest subnormal are rounded once, like MathF.Exp.
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float ExpMax = 89f;    // e^89 overflows to +∞ through the scaling
    private const float ExpMin = -104f;  // e^−104 rounds to 0
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    // tanh near 0: x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835 − 1382x¹¹/155925 + 21844x¹³/6081075
    // − 929569x¹⁵/638512875 (Taylor). For |x| < 0.4 the first omitted term is below 3e−10 of
    // the result; above 0.4, (1 − e)/(1 + e) with e = e^(−2|x|) ≤ 0.45 has no cancellation.
    private const float TanhSeriesLimit = 0.4f;
    private const float T1 = -1f / 3f, T2 = 2f / 15f, T3 = -17f / 315f, T4 = 62f / 2835f;
    private const float T5 = -1382f / 155925f, T6 = 21844f / 6081075f, T7 = -929569f / 638512875f;

    // erf: Abramowitz and Stegun 7.1.26, exactly as SpecialFunctions.Erf(float).
    private const float ErfP = 0.3275911f;
    private const float A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;
    private const float InvSqrt2 = 0.70710678f;
    private const float InvSqrt2Pi = 0.39894228f;

    /// <summary>e^x per lane (about 1 ulp; +∞ above 88.72, 0 below −103.9, subnormals in between).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var nan = Vector512.IsNaN(x);
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(ExpMin)), Vector512.Create(ExpMax));
        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        var er = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var ni = Vector512.ConvertToInt32(n);
        var half = Vector512.ShiftRightArithmetic(ni, 1);
        var s1 = Vector512.ShiftLeft(half + Vector512.Create(127), 23).AsSingle();
        var s2 = Vector512.ShiftLeft(ni - half + Vector512.Create(127), 23).AsSingle();
        return Vector512.ConditionalSelect(nan, x, er * s1 * s2);
    }

    /// <summary>e^x per lane; see the <see cref="Vector512{T}"/> overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var nan = Vector256.IsNaN(x);
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(ExpMin)), Vector256.Create(ExpMax));
        var n = Vector256.Round(x * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        var er = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        var ni = Vector256.ConvertToInt32(n);
        var half = Vector256.ShiftRightArithmetic(ni, 1);
        var s1 = Vector256.ShiftLeft(half + Vector256.Create(127), 23).AsSingle();
        var s2 = Vector256.ShiftLeft(ni - half + Vector256.Create(127), 23).AsSingle();
        return Vector256.ConditionalSelect(nan, x, er * s1 * s2);
    }

    /// <summary>σ(x) = 1/(1 + e^(−x)) for x ≥ 0 and e^x/(1 + e^x) below: one exp of −|x|, never overflowing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Sigmoid(x, Exp(-Vector512.Abs(x)));

    /// <summary>σ(x) from e = e^(−|x|) per lane (softplus computes e anyway).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x, Vector512<float> e)
    {
        var numerator = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), Vector512<float>.One, e);
        return numerator / (Vector512<float>.One + e);
    }

    /// <summary>σ(x) per lane; see the <see cref="Vector512{T}"/> overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Sigmoid(x, Exp(-Vector256.Abs(x)));

    /// <summary>σ(x) from e = e^(−|x|) per lane (softplus computes e anyway).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x, Vector256<float> e)
    {
        var numerator = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), Vector256<float>.One, e);
        return numerator / (Vector256<float>.One + e);
    }

    /// <summary>tanh(x): an odd Taylor polynomial below |x| = 0.4, sign(x)·(1 − e)/(1 + e) with e = e^(−2|x|) above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var ax = Vector512.Abs(x);
        var e = Exp(ax * Vector512.Create(-2f));
        var far = (Vector512<float>.One - e) / (Vector512<float>.One + e);
        var x2 = x * x;
        var q = Vector512.FusedMultiplyAdd(Vector512.Create(T7), x2, Vector512.Create(T6));
        q = Vector512.FusedMultiplyAdd(q, x2, Vector512.Create(T5));
        q = Vector512.FusedMultiplyAdd(q, x2, Vector512.Create(T4));
        q = Vector512.FusedMultiplyAdd(q, x2, Vector512.Create(T3));
        q = Vector512.FusedMultiplyAdd(q, x2, Vector512.Create(T2));
        q = Vector512.FusedMultiplyAdd(q, x2, Vector512.Create(T1));
        var near = Vector512.FusedMultiplyAdd(q * x2, x, x);
        return Vector512.CopySign(Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(TanhSeriesLimit)), near, far), x);
    }

    /// <summary>tanh(x) per lane; see the <see cref="Vector512{T}"/> overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var ax = Vector256.Abs(x);
        var e = Exp(ax * Vector256.Create(-2f));
        var far = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        var x2 = x * x;
        var q = Vector256.FusedMultiplyAdd(Vector256.Create(T7), x2, Vector256.Create(T6));
        q = Vector256.FusedMultiplyAdd(q, x2, Vector256.Create(T5));
        q = Vector256.FusedMultiplyAdd(q, x2, Vector256.Create(T4));
        q = Vector256.FusedMultiplyAdd(q, x2, Vector256.Create(T3));
        q = Vector256.FusedMultiplyAdd(q, x2, Vector256.Create(T2));
        q = Vector256.FusedMultiplyAdd(q, x2, Vector256.Create(T1));
        var near = Vector256.FusedMultiplyAdd(q * x2, x, x);
        return Vector256.CopySign(Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(TanhSeriesLimit)), near, far), x);
    }

    /// <summary>erf(x) by Abramowitz and Stegun 7.1.26 (|error| ≤ 1.5e−7), as <see cref="SpecialFunctions.Erf(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Erf(Vector512<float> x) => Erf(x, out _);

    /// <summary>erf(x) per lane, and the e^(−x²) it computed on the way (GELU′ uses it for φ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Erf(Vector512<float> x, out Vector512<float> gaussian)
    {
        // Separate multiplies and adds in the scalar form's order: near 0 the result is
        // 1 − (≈0.85), so any change of rounding in the polynomial is amplified.
        var one = Vector512<float>.One;
        var ax = Vector512.Abs(x);
        var t = one / (one + Vector512.Create(ErfP) * ax);
        var poly = Vector512.Create(A4) + t * Vector512.Create(A5);
        poly = Vector512.Create(A3) + t * poly;
        poly = Vector512.Create(A2) + t * poly;
        poly = Vector512.Create(A1) + t * poly;
        poly = t * poly;
        gaussian = Exp(-ax * ax);
        var result = one - poly * gaussian;
        return Vector512.CopySign(result, x);
    }

    /// <summary>erf(x) per lane; see the <see cref="Vector512{T}"/> overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> x) => Erf(x, out _);

    /// <summary>erf(x) per lane, and the e^(−x²) it computed on the way (GELU′ uses it for φ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> x, out Vector256<float> gaussian)
    {
        // Separate multiplies and adds in the scalar form's order: near 0 the result is
        // 1 − (≈0.85), so any change of rounding in the polynomial is amplified.
        var one = Vector256<float>.One;
        var ax = Vector256.Abs(x);
        var t = one / (one + Vector256.Create(ErfP) * ax);
        var poly = Vector256.Create(A4) + t * Vector256.Create(A5);
        poly = Vector256.Create(A3) + t * poly;
        poly = Vector256.Create(A2) + t * poly;
        poly = Vector256.Create(A1) + t * poly;
        poly = t * poly;
        gaussian = Exp(-ax * ax);
        var result = one - poly * gaussian;
        return Vector256.CopySign(result, x);
    }

    /// <summary>GELU(x) = x/2 · (1 + erf(x/√2)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Gelu(Vector512<float> x) =>
        Vector512.Create(0.5f) * x * (Vector512<float>.One + Erf(x * Vector512.Create(InvSqrt2)));

    /// <summary>GELU(x) and GELU′(x) from one erf (and its e^(−x²/2)): the operations of <see cref="Gelu(Vector512{float})"/> and <see cref="GeluDerivative(Vector512{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Gelu(Vector512<float> x, out Vector512<float> derivative)
    {
        var erf = Erf(x * Vector512.Create(InvSqrt2), out var gaussian);
        derivative = GeluSlope(x, erf, gaussian);
        return Vector512.Create(0.5f) * x * (Vector512<float>.One + erf);
    }

    /// <summary>GELU(x) per lane; see the <see cref="Vector512{T}"/> overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Gelu(Vector256<float> x) =>
        Vector256.Create(0.5f) * x * (Vector256<float>.One + Erf(x * Vector256.Create(InvSqrt2)));

    /// <summary>GELU(x) and GELU′(x) from one erf (and its e^(−x²/2)): the operations of <see cref="Gelu(Vector256{float})"/> and <see cref="GeluDerivative(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Gelu(Vector256<float> x, out Vector256<float> derivative)
    {
        var erf = Erf(x * Vector256.Create(InvSqrt2), out var gaussian);
        derivative = GeluSlope(x, erf, gaussian);
        return Vector256.Create(0.5f) * x * (Vector256<float>.One + erf);
    }

    /// <summary>
    /// GELU′(x) = Φ(x) + x·φ(x) = (1 + erf(x/√2))/2 + x·e^(−x²/2)/√(2π), with e^(−x²/2) the
    /// e^(−z²) of erf(z = x/√2): one exponential for both terms, as <see cref="SpecialFunctions.GeluDerivative"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GeluDerivative(Vector512<float> x)
    {
        var erf = Erf(x * Vector512.Create(InvSqrt2), out var gaussian);
        return GeluSlope(x, erf, gaussian);
    }

    /// <summary>Φ(x) + x·φ(x) per lane from erf(x/√2) and its e^(−x²/2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> GeluSlope(Vector512<float> x, Vector512<float> erf, Vector512<float> gaussian) =>
        Vector512.Create(0.5f) * (Vector512<float>.One + erf) + x * Vector512.Create(InvSqrt2Pi) * gaussian;

    /// <summary>GELU′(x) per lane; see the <see cref="Vector512{T}"/> overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GeluDerivative(Vector256<float> x)
    {
        var erf = Erf(x * Vector256.Create(InvSqrt2), out var gaussian);
        return GeluSlope(x, erf, gaussian);
    }

    /// <summary>Φ(x) + x·φ(x) per lane from erf(x/√2) and its e^(−x²/2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> GeluSlope(Vector256<float> x, Vector256<float> erf, Vector256<float> gaussian) =>
        Vector256.Create(0.5f) * (Vector256<float>.One + erf) + x * Vector256.Create(InvSqrt2Pi) * gaussian;

    /// <summary>
    /// log(1 + a) per lane, accurate for small a: with u = 1 + a rounded, log(u)·a/(u − 1)
    /// cancels the rounding of u (Goldberg's trick), and u = 1 means log(1 + a) = a to float
    /// precision. <see cref="Vector512.Log(Vector512{float})"/> is the runtime's own (about 1 ulp).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log1p(Vector512<float> a)
    {
        var u = Vector512<float>.One + a;
        var d = u - Vector512<float>.One;
        return Vector512.ConditionalSelect(Vector512.Equals(d, Vector512<float>.Zero), a, Vector512.Log(u) * a / d);
    }

    /// <summary>log(1 + a) per lane; see the <see cref="Vector512{T}"/> overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log1p(Vector256<float> a)
    {
        var u = Vector256<float>.One + a;
        var d = u - Vector256<float>.One;
        return Vector256.ConditionalSelect(Vector256.Equals(d, Vector256<float>.Zero), a, Vector256.Log(u) * a / d);
    }
}
