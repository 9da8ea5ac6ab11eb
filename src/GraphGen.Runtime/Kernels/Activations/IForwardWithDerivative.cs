using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// An activation whose derivative needs its input (GELU, SiLU, softplus) and that computes y = f(x)
/// and f′(x) together for little more than f alone: GELU's erf already computes the e^(−x²/2) of
/// φ, SiLU's and softplus's σ is the same exponential. A forward GEMM epilogue uses it to save f′(x)
/// for the backward pass while it writes y, so the pre-activation x is never stored and the
/// backward pass multiplies by the saved slope (<see cref="Saved{TAct}"/>) instead of computing it.
/// </summary>
/// <remarks>
/// Each form performs exactly the operations of <see cref="IActivation{TSelf}.Forward(float)"/> and
/// <see cref="IActivation{TSelf}.Derivative(float)"/> at the same width, sharing their common part,
/// so y and f′ have the bits the two separate calls give.
/// </remarks>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
public interface IForwardWithDerivative<TSelf> : IActivation<TSelf> where TSelf : struct, IForwardWithDerivative<TSelf>
{
    /// <summary>y = f(x), and f′(x) in <paramref name="derivative"/>.</summary>
    float Forward(float x, out float derivative);

    /// <summary>y = f(x) and f′(x) per lane.</summary>
    Vector256<float> Forward(Vector256<float> x, out Vector256<float> derivative);

    /// <summary>y = f(x) and f′(x) per lane.</summary>
    Vector512<float> Forward(Vector512<float> x, out Vector512<float> derivative);
}
