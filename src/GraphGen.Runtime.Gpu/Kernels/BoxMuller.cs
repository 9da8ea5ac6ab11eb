using ILGPU;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// The Box–Muller transform of one 64-bit counter hash in float arithmetic, written with
/// additions, multiplications, a square root and integer bit operations only, so it gives the same
/// values on ILGPU's CPU accelerator and on CUDA (where MathF.Log, Sin and Cos become the
/// lg2.approx, sin.approx and cos.approx instructions: their absolute error near U₁ = 1 could make
/// −2 ln U₁ negative and r NaN). The CPU computes the same formula in double
/// (<c>GraphGen.Kernels.GaussianNoise</c>); this one agrees with it within 4·10⁻⁷·max(1, |ε|)
/// (the largest difference over 2²² random hashes is 2.5·10⁻⁷).
/// <code>
/// U₁ = (u₁ + 1)/2²⁴ ∈ (0, 1],  u₁ = bits 40..63 of h     r = √(−2 ln U₁)
/// U₂ = u₂/2²⁴ ∈ [0, 1),         u₂ = bits 16..39 of h     θ = 2π·U₂      (r cos θ, r sin θ)
/// </code>
/// </summary>
internal static class BoxMuller
{
    /// <summary>A sine and cosine pair.</summary>
    internal readonly struct Pair(float sin, float cos)
    {
        public readonly float Sin = sin, Cos = cos;
    }

    private const float Sqrt2 = 1.41421356f;
    // ln 2 split so that e·Ln2High is exact for |e| ≤ 128 (fdlibm's logf constants).
    private const float Ln2High = 6.9313812256e-01f, Ln2Low = 9.0580006145e-06f;
    private const float Unit = 1f / (1 << 24);
    private const float TwoPiUnit = 6.28318530717958648f / (1 << 24);

    /// <summary>r = √(−2 ln U₁) with U₁ = (bits 40..63 of h + 1)/2²⁴.</summary>
    public static float Radius(ulong h) => MathF.Sqrt(-2f * LogUnit((uint)(h >> 40) + 1u));

    /// <summary>
    /// ln(q/2²⁴) for an integer q in [1, 2²⁴], to a few float ulps: q/2²⁴ = m·2^e with m in
    /// [√½, √2), and ln m = 2·atanh(s) = 2(s + s³/3 + ... + s¹¹/11), s = (m − 1)/(m + 1), |s| ≤ 0.172
    /// (the next term is below 10⁻¹⁰ of the sum). Near U₁ = 1, e = 0 and s ≈ (U₁ − 1)/2: full
    /// relative accuracy where a plain log loses it, and never a positive value.
    /// </summary>
    private static float LogUnit(uint q)
    {
        uint bits = Interop.FloatAsInt(q * Unit);            // exact: q has at most 24 significant bits
        int e = (int)((bits >> 23) & 0xFF) - 127;
        float m = Interop.IntAsFloat((bits & 0x7FFFFF) | 0x3F800000);   // [1, 2)
        if (m > Sqrt2)
        {
            m *= 0.5f;
            e += 1;
        }
        float s = (m - 1f) / (m + 1f), z = s * s;
        float p = 1f / 11f;
        p = p * z + 1f / 9f;
        p = p * z + 1f / 7f;
        p = p * z + 1f / 5f;
        p = p * z + 1f / 3f;
        float logM = 2f * s + 2f * s * z * p;
        return e * Ln2High + (e * Ln2Low + logM);
    }

    /// <summary>
    /// (sin θ, cos θ) for θ = 2π·u₂/2²⁴, u₂ = bits 16..39 of h. The top 3 bits of u₂ pick the octant,
    /// the low 21 the angle within it, reflected in odd octants (exact integer steps), so the
    /// polynomials only see x ∈ [0, π/4].
    /// </summary>
    public static Pair SinCos(ulong h)
    {
        uint u2 = (uint)(h >> 16) & 0xFFFFFF;
        uint octant = u2 >> 21, within = u2 & 0x1FFFFF;
        uint steps = (octant & 1) != 0 ? 0x200000 - within : within;
        float x = steps * TwoPiUnit, z = x * x;
        // Taylor series on [0, π/4]: the first omitted terms are below 2·10⁻⁹.
        float sin = x + x * z * (-1f / 6f + z * (1f / 120f + z * (-1f / 5040f + z * (1f / 362880f))));
        float cos = 1f + z * (-0.5f + z * (1f / 24f + z * (-1f / 720f + z * (1f / 40320f + z * (-1f / 3628800f)))));
        bool swap = (((octant + 1) >> 1) & 1) != 0;           // octants 1, 2, 5, 6
        bool sinNegative = octant >= 4;                        // octants 4..7
        bool cosNegative = (((octant + 2) >> 2) & 1) != 0;    // octants 2..5
        float s = swap ? cos : sin, c = swap ? sin : cos;
        return new Pair(sinNegative ? -s : s, cosNegative ? -c : c);
    }
}
