namespace GraphGen.Kernels;

/// <summary>
/// Standard normal samples for the reparameterisation trick (z = μ + σ·ε) and noise layers,
/// counter-based like <see cref="Dropout"/>: ε_i is a pure function of (seed, step, i).
/// <code>
/// pair k = ⌊i/2⌋:  h = CounterHash(seed, step, k),  u₁ = bits 40..63 of h,  u₂ = bits 16..39 of h
///                  U₁ = (u₁ + 1)/2²⁴ ∈ (0, 1],  U₂ = u₂/2²⁴ ∈ [0, 1),  r = √(−2 ln U₁),  θ = 2π·U₂
///                  ε_{2k} = r·cos θ,  ε_{2k+1} = r·sin θ          (Box–Muller)
/// </code>
/// The 24-bit uniforms are exact, but the result goes through <see cref="Math.Log(double)"/> and
/// <see cref="Math.SinCos"/>, which may differ in the last bit between C runtimes and CPUs:
/// the noise is bitwise reproducible on one machine, and equal to within a float ulp elsewhere.
/// The largest possible |ε| is √(−2 ln 2⁻²⁴) ≈ 5.77.
/// </summary>
public static class GaussianNoise
{
    private const double TwoPi = 2 * Math.PI;
    private const double Unit = 1.0 / (1 << 24);

    /// <summary>Fills <paramref name="eps"/> with N(0, 1) samples of call <paramref name="step"/> of the stream <paramref name="seed"/>.</summary>
    public static void Fill(Span<float> eps, ulong seed, ulong step)
    {
        ulong key = CounterHash.Key(seed, step, CounterHash.NoiseStream);
        int n = eps.Length;
        for (int i = 0; i < n; i += 2)
        {
            ulong h = CounterHash.At(key, (ulong)(i >> 1));
            double u1 = ((h >> 40) + 1) * Unit;
            double u2 = ((h >> 16) & 0xFFFFFF) * Unit;
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            var (sin, cos) = Math.SinCos(TwoPi * u2);
            eps[i] = (float)(r * cos);
            if (i + 1 < n) eps[i + 1] = (float)(r * sin);
        }
    }
}
