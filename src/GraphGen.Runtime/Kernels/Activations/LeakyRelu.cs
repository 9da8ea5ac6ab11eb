using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// Leaky ReLU: f(x) = x for x &gt; 0, slope·x otherwise; f′ = 1 where the output y is positive, else
/// slope (y has the sign of x for a positive slope).
/// </summary>
/// <param name="slope">The negative slope (PyTorch's default is 0.01).</param>
public readonly struct LeakyRelu(float slope) : IActivation<LeakyRelu>
{
    /// <summary>PyTorch's default negative slope.</summary>
    public const float DefaultSlope = 0.01f;

    /// <summary>The negative slope.</summary>
    public float Slope { get; } = slope;

    /// <inheritdoc/>
    public static LeakyRelu FromParameter(float parameter) => new(parameter);
    /// <inheritdoc/>
    public static bool DerivativeFromInput => false;
    /// <inheritdoc/>
    public static bool IsCheap => true;
    /// <inheritdoc/>
    public float Parameter => Slope;

    /// <inheritdoc/>
    public float Forward(float x) => x > 0f ? x : x * Slope;
    /// <inheritdoc/>
    public Vector256<float> Forward(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * Vector256.Create(Slope));
    /// <inheritdoc/>
    public Vector512<float> Forward(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * Vector512.Create(Slope));

    /// <inheritdoc/>
    public float Derivative(float s) => s > 0f ? 1f : Slope;
    /// <inheritdoc/>
    public Vector256<float> Derivative(Vector256<float> s) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(s, Vector256<float>.Zero), Vector256<float>.One, Vector256.Create(Slope));
    /// <inheritdoc/>
    public Vector512<float> Derivative(Vector512<float> s) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(s, Vector512<float>.Zero), Vector512<float>.One, Vector512.Create(Slope));
}
