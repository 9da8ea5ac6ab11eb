using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// Softplus, a smooth ReLU: f(x) = log(1 + e^x), computed as max(x, 0) + log(1 + e^(−|x|)) so it
/// never overflows (PyTorch's softplus with β = 1; its threshold of 20 gives the same floats);
/// f′ = σ(x), which needs the input x.
/// </summary>
public readonly struct Softplus : IForwardWithDerivative<Softplus>
{
    /// <inheritdoc/>
    public static Softplus FromParameter(float parameter) => default;
    /// <inheritdoc/>
    public static bool DerivativeFromInput => true;
    /// <inheritdoc/>
    public static bool IsCheap => false;
    /// <inheritdoc/>
    public float Parameter => 0f;

    /// <inheritdoc/>
    public float Forward(float x) => MathF.Max(x, 0f) + SpecialFunctions.Log1p(MathF.Exp(-MathF.Abs(x)));
    /// <inheritdoc/>
    public Vector256<float> Forward(Vector256<float> x) =>
        Vector256.Max(x, Vector256<float>.Zero) + VectorMath.Log1p(VectorMath.Exp(-Vector256.Abs(x)));
    /// <inheritdoc/>
    public Vector512<float> Forward(Vector512<float> x) =>
        Vector512.Max(x, Vector512<float>.Zero) + VectorMath.Log1p(VectorMath.Exp(-Vector512.Abs(x)));

    /// <inheritdoc/>
    public float Derivative(float s) => SpecialFunctions.Sigmoid(s);
    /// <inheritdoc/>
    public Vector256<float> Derivative(Vector256<float> s) => VectorMath.Sigmoid(s);
    /// <inheritdoc/>
    public Vector512<float> Derivative(Vector512<float> s) => VectorMath.Sigmoid(s);

    /// <summary>f(x) and σ(x) from one e = e^(−|x|): f = max(x, 0) + log(1 + e), σ = (x ≥ 0 ? 1 : e)/(1 + e).</summary>
    public float Forward(float x, out float derivative)
    {
        float e = MathF.Exp(-MathF.Abs(x));
        derivative = SpecialFunctions.Sigmoid(x, e);
        return MathF.Max(x, 0f) + SpecialFunctions.Log1p(e);
    }
    /// <inheritdoc cref="Forward(float, out float)"/>
    public Vector256<float> Forward(Vector256<float> x, out Vector256<float> derivative)
    {
        var e = VectorMath.Exp(-Vector256.Abs(x));
        derivative = VectorMath.Sigmoid(x, e);
        return Vector256.Max(x, Vector256<float>.Zero) + VectorMath.Log1p(e);
    }
    /// <inheritdoc cref="Forward(float, out float)"/>
    public Vector512<float> Forward(Vector512<float> x, out Vector512<float> derivative)
    {
        var e = VectorMath.Exp(-Vector512.Abs(x));
        derivative = VectorMath.Sigmoid(x, e);
        return Vector512.Max(x, Vector512<float>.Zero) + VectorMath.Log1p(e);
    }
}
