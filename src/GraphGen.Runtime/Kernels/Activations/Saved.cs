using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// The activation <typeparamref name="TAct"/> in a backward epilogue whose source S holds f′(x)
/// itself, saved by the forward pass (<see cref="IForwardWithDerivative{TSelf}"/>): the epilogue's
/// dx = dy ⊙ f′ becomes dx = dy ⊙ S, one multiply, as cheap as ReLU's. Its forward form is
/// <typeparamref name="TAct"/>'s.
/// </summary>
/// <typeparam name="TAct">The activation whose slope was saved.</typeparam>
public readonly struct Saved<TAct> : IActivation<Saved<TAct>> where TAct : struct, IForwardWithDerivative<TAct>
{
    /// <inheritdoc/>
    public static Saved<TAct> FromParameter(float parameter) => default;
    /// <summary>The source is the saved slope, neither the input nor the output: no function of it is evaluated.</summary>
    public static bool DerivativeFromInput => false;
    /// <inheritdoc/>
    public static bool IsCheap => true;
    /// <inheritdoc/>
    public float Parameter => 0f;

    /// <inheritdoc/>
    public float Forward(float x) => default(TAct).Forward(x);
    /// <inheritdoc/>
    public Vector256<float> Forward(Vector256<float> x) => default(TAct).Forward(x);
    /// <inheritdoc/>
    public Vector512<float> Forward(Vector512<float> x) => default(TAct).Forward(x);

    /// <summary>f′ as saved: the source itself.</summary>
    public float Derivative(float s) => s;
    /// <summary>f′ as saved: the source itself.</summary>
    public Vector256<float> Derivative(Vector256<float> s) => s;
    /// <summary>f′ as saved: the source itself.</summary>
    public Vector512<float> Derivative(Vector512<float> s) => s;
}
