using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>The logistic sigmoid: f(x) = σ(x) = 1 / (1 + e^(−x)); f′ = y·(1 − y) in terms of the output y.</summary>
public readonly struct Sigmoid : IActivation<Sigmoid>
{
    /// <inheritdoc/>
    public static Sigmoid FromParameter(float parameter) => default;
    /// <inheritdoc/>
    public static bool DerivativeFromInput => false;
    /// <inheritdoc/>
    public static bool IsCheap => false;
    /// <inheritdoc/>
    public float Parameter => 0f;

    /// <inheritdoc/>
    public float Forward(float x) => SpecialFunctions.Sigmoid(x);
    /// <inheritdoc/>
    public Vector256<float> Forward(Vector256<float> x) => VectorMath.Sigmoid(x);
    /// <inheritdoc/>
    public Vector512<float> Forward(Vector512<float> x) => VectorMath.Sigmoid(x);

    /// <inheritdoc/>
    public float Derivative(float s) => s * (1f - s);
    /// <inheritdoc/>
    public Vector256<float> Derivative(Vector256<float> s) => s * (Vector256<float>.One - s);
    /// <inheritdoc/>
    public Vector512<float> Derivative(Vector512<float> s) => s * (Vector512<float>.One - s);
}
