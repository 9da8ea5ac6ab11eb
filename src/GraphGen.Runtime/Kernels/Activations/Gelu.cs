using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// GELU, the exact form (PyTorch's default): f(x) = x·Φ(x) = x/2 · (1 + erf(x/√2));
/// f′ = Φ(x) + x·φ(x), which needs the input x.
/// </summary>
public readonly struct Gelu : IForwardWithDerivative<Gelu>
{
    /// <inheritdoc/>
    public static Gelu FromParameter(float parameter) => default;
    /// <inheritdoc/>
    public static bool DerivativeFromInput => true;
    /// <inheritdoc/>
    public static bool IsCheap => false;
    /// <inheritdoc/>
    public float Parameter => 0f;

    /// <inheritdoc/>
    public float Forward(float x) => SpecialFunctions.Gelu(x);
    /// <inheritdoc/>
    public Vector256<float> Forward(Vector256<float> x) => VectorMath.Gelu(x);
    /// <inheritdoc/>
    public Vector512<float> Forward(Vector512<float> x) => VectorMath.Gelu(x);

    /// <inheritdoc/>
    public float Derivative(float s) => SpecialFunctions.GeluDerivative(s);
    /// <inheritdoc/>
    public Vector256<float> Derivative(Vector256<float> s) => VectorMath.GeluDerivative(s);
    /// <inheritdoc/>
    public Vector512<float> Derivative(Vector512<float> s) => VectorMath.GeluDerivative(s);

    /// <inheritdoc/>
    public float Forward(float x, out float derivative) => SpecialFunctions.Gelu(x, out derivative);
    /// <inheritdoc/>
    public Vector256<float> Forward(Vector256<float> x, out Vector256<float> derivative) => VectorMath.Gelu(x, out derivative);
    /// <inheritdoc/>
    public Vector512<float> Forward(Vector512<float> x, out Vector512<float> derivative) => VectorMath.Gelu(x, out derivative);
}
