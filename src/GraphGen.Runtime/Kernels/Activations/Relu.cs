using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>ReLU: f(x) = max(x, 0); f′ = 1 where the output y is positive, else 0.</summary>
public readonly struct Relu : IActivation<Relu>
{
    /// <inheritdoc/>
    public static Relu FromParameter(float parameter) => default;
    /// <inheritdoc/>
    public static bool DerivativeFromInput => false;
    /// <inheritdoc/>
    public static bool IsCheap => true;
    /// <inheritdoc/>
    public float Parameter => 0f;

    /// <inheritdoc/>
    public float Forward(float x) => MathF.Max(x, 0f);   // Max propagates NaN, as torch.relu does
    /// <inheritdoc/>
    public Vector256<float> Forward(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);
    /// <inheritdoc/>
    public Vector512<float> Forward(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);

    /// <inheritdoc/>
    public float Derivative(float s) => s > 0f ? 1f : 0f;
    /// <inheritdoc/>
    public Vector256<float> Derivative(Vector256<float> s) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(s, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);
    /// <inheritdoc/>
    public Vector512<float> Derivative(Vector512<float> s) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(s, Vector512<float>.Zero), Vector512<float>.One, Vector512<float>.Zero);
}
