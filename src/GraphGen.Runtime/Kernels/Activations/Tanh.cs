using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>The hyperbolic tangent: f(x) = tanh(x); f′ = 1 − y² in terms of the output y.</summary>
public readonly struct Tanh : IActivation<Tanh>
{
    /// <inheritdoc/>
    public static Tanh FromParameter(float parameter) => default;
    /// <inheritdoc/>
    public static bool DerivativeFromInput => false;
    /// <inheritdoc/>
    public static bool IsCheap => false;
    /// <inheritdoc/>
    public float Parameter => 0f;

    /// <inheritdoc/>
    public float Forward(float x) => MathF.Tanh(x);
    /// <inheritdoc/>
    public Vector256<float> Forward(Vector256<float> x) => VectorMath.Tanh(x);
    /// <inheritdoc/>
    public Vector512<float> Forward(Vector512<float> x) => VectorMath.Tanh(x);

    /// <inheritdoc/>
    public float Derivative(float s) => 1f - s * s;
    /// <inheritdoc/>
    public Vector256<float> Derivative(Vector256<float> s) => Vector256<float>.One - s * s;
    /// <inheritdoc/>
    public Vector512<float> Derivative(Vector512<float> s) => Vector512<float>.One - s * s;
}
