namespace GraphGen.Kernels;

/// <summary>The error function and the functions built on it (GELU), in float and double.</summary>
public static class SpecialFunctions
{
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const float InvSqrt2 = 0.70710678f;
    private const float InvSqrt2Pi = 0.39894228f;

    /// <summary>
    /// erf(x) to double precision from the everywhere-positive series
    /// erf(x) = 2/√π · x·e^(−x²) · Σₙ (2x²)ⁿ / (1·3·…·(2n+1)), which has no cancellation;
    /// for |x| ≥ 6, erf(x) = ±1 to within 2e−17.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax >= 6) return Math.Sign(x);
        double x2 = ax * ax, term = ax, sum = ax;
        for (int n = 1; n < 200 && term > sum * 1e-17; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        double result = TwoOverSqrtPi * Math.Exp(-x2) * sum;
        return x < 0 ? -result : result;
    }

    /// <summary>erf(x) in single precision: Abramowitz and Stegun 7.1.26, |error| ≤ 1.5e−7.</summary>
    public static float Erf(float x) => Erf(x, out _);

    /// <summary>erf(x) as <see cref="Erf(float)"/>, and the e^(−x²) it computed on the way.</summary>
    public static float Erf(float x, out float gaussian)
    {
        float ax = MathF.Abs(x);
        float t = 1f / (1f + 0.3275911f * ax);
        float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
        gaussian = MathF.Exp(-ax * ax);
        float result = 1f - poly * gaussian;
        return x < 0 ? -result : result;
    }

    /// <summary>GELU(x) = x·Φ(x) = x/2 · (1 + erf(x/√2)), the exact form (PyTorch's default).</summary>
    public static float Gelu(float x) => 0.5f * x * (1f + Erf(x * InvSqrt2));

    /// <summary>GELU(x) and GELU′(x) from one erf: the operations of <see cref="Gelu(float)"/> and <see cref="GeluDerivative"/>.</summary>
    public static float Gelu(float x, out float derivative)
    {
        float erf = Erf(x * InvSqrt2, out float gaussian);
        derivative = GeluSlope(x, erf, gaussian);
        return 0.5f * x * (1f + erf);
    }

    /// <summary>
    /// GELU′(x) = Φ(x) + x·φ(x), with φ the standard normal density: √(2π)·φ(x) = e^(−x²/2) is the
    /// e^(−z²) that erf(z = x/√2) computes anyway, so one exponential serves both terms.
    /// </summary>
    public static float GeluDerivative(float x)
    {
        float erf = Erf(x * InvSqrt2, out float gaussian);
        return GeluSlope(x, erf, gaussian);
    }

    /// <summary>Φ(x) + x·φ(x) from erf(x/√2) and its e^(−x²/2).</summary>
    private static float GeluSlope(float x, float erf, float gaussian) => 0.5f * (1f + erf) + x * InvSqrt2Pi * gaussian;

    /// <summary>The logistic function σ(x) = 1 / (1 + e^(−x)), without overflow for large |x|.</summary>
    public static float Sigmoid(float x) => Sigmoid(x, MathF.Exp(-MathF.Abs(x)));

    /// <summary>σ(x) from e = e^(−|x|): 1/(1 + e) for x ≥ 0, e/(1 + e) below (softplus computes e anyway).</summary>
    public static float Sigmoid(float x, float e) => (x >= 0 ? 1f : e) / (1f + e);

    /// <summary>log(1 + a), accurate for small a (Goldberg: log(u)·a/(u − 1) with u = 1 + a rounded).</summary>
    public static float Log1p(float a)
    {
        float u = 1f + a, d = u - 1f;
        return d == 0f ? a : MathF.Log(u) * a / d;
    }
}
