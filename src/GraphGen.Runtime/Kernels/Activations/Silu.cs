using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// SiLU (swish): f(x) = x·σ(x); f′ = σ(x)·(1 + x·(1 − σ(x))), which needs the input x.
/// </summary>
public readonly struct Silu : IForwardWithDerivative<Silu>
{
    /// <inheritdoc/>
    public static Silu FromParameter(float parameter) => default;
    /// <inheritdoc/>
    public static bool DerivativeFromInput => true;
    /// <inheritdoc/>
    public static bool IsCheap => false;
    /// <inheritdoc/>
    public float Parameter => 0f;

    /// <inheritdoc/>
    public float Forward(float x) => x * SpecialFunctions.Sigmoid(x);
    /// <inheritdoc/>
    public Vector256<float> Forward(Vector256<float> x) => x * VectorMath.Sigmoid(x);
    /// <inheritdoc/>
    public Vector512<float> Forward(Vector512<float> x) => x * VectorMath.Sigmoid(x);

    /// <inheritdoc/>
    public float Derivative(float s) => Slope(s, SpecialFunctions.Sigmoid(s));
    /// <inheritdoc/>
    public Vector256<float> Derivative(Vector256<float> s) => Slope(s, VectorMath.Sigmoid(s));
    /// <inheritdoc/>
    public Vector512<float> Derivative(Vector512<float> s) => Slope(s, VectorMath.Sigmoid(s));

    /// <summary>x·σ(x) and its slope from one σ.</summary>
    public float Forward(float x, out float derivative)
    {
        float sigma = SpecialFunctions.Sigmoid(x);
        derivative = Slope(x, sigma);
        return x * sigma;
    }
    /// <inheritdoc cref="Forward(float, out float)"/>
    public Vector256<float> Forward(Vector256<float> x, out Vector256<float> derivative)
    {
        var sigma = VectorMath.Sigmoid(x);
        derivative = Slope(x, sigma);
        return x * sigma;
    }
    /// <inheritdoc cref="Forward(float, out float)"/>
    public Vector512<float> Forward(Vector512<float> x, out Vector512<float> derivative)
    {
        var sigma = VectorMath.Sigmoid(x);
        derivative = Slope(x, sigma);
        return x * sigma;
    }

    /// <summary>f′ = σ·(1 + x·(1 − σ)).</summary>
    private static float Slope(float x, float sigma) => sigma * (1f + x * (1f - sigma));
    private static Vector256<float> Slope(Vector256<float> x, Vector256<float> sigma) => sigma * (Vector256<float>.One + x * (Vector256<float>.One - sigma));
    private static Vector512<float> Slope(Vector512<float> x, Vector512<float> sigma) => sigma * (Vector512<float>.One + x * (Vector512<float>.One - sigma));
}
