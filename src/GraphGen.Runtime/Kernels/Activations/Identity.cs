using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>No activation: f(x) = x, f′ = 1 (an epilogue that only adds the bias).</summary>
public readonly struct Identity : IActivation<Identity>
{
    /// <inheritdoc/>
    public static Identity FromParameter(float parameter) => default;
    /// <inheritdoc/>
    public static bool DerivativeFromInput => false;
    /// <inheritdoc/>
    public static bool IsCheap => true;
    /// <inheritdoc/>
    public float Parameter => 0f;

    /// <inheritdoc/>
    public float Forward(float x) => x;
    /// <inheritdoc/>
    public Vector256<float> Forward(Vector256<float> x) => x;
    /// <inheritdoc/>
    public Vector512<float> Forward(Vector512<float> x) => x;

    /// <inheritdoc/>
    public float Derivative(float s) => 1f;
    /// <inheritdoc/>
    public Vector256<float> Derivative(Vector256<float> s) => Vector256<float>.One;
    /// <inheritdoc/>
    public Vector512<float> Derivative(Vector512<float> s) => Vector512<float>.One;
}
