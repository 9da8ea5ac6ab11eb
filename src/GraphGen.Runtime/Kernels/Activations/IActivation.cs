using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// An elementwise activation y = f(x) and its derivative, defined once for every width a kernel
/// works at: scalar (also the form a GPU kernel compiles), <see cref="Vector256{T}"/> and
/// <see cref="Vector512{T}"/>. Every kernel that applies an activation (GEMM and convolution
/// epilogues, bias + activation, the standalone activation kernels, max-pool backward) is generic
/// over it, so adding an activation is one struct and no switch anywhere.
/// </summary>
/// <remarks>
/// The derivative is evaluated from one saved tensor s: the activation's output y where f′ can be
/// written in terms of y (ReLU, sigmoid, tanh: the pre-activation need not be kept), its input x
/// otherwise (<see cref="DerivativeFromInput"/>: GELU, SiLU, softplus). The vector forms follow the
/// scalar one operation for operation where they can; a value goes through the same form wherever
/// it sits in a tensor (see each kernel), so results never depend on tiling or threads.
/// </remarks>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
public interface IActivation<TSelf> where TSelf : struct, IActivation<TSelf>
{
    /// <summary>The activation with its one scalar parameter (leaky ReLU's slope; ignored by the others).</summary>
    static abstract TSelf FromParameter(float parameter);

    /// <summary>True when <see cref="Derivative(float)"/> takes the activation's input x; false when it takes its output y.</summary>
    static abstract bool DerivativeFromInput { get; }

    /// <summary>
    /// True when f and f′ are a compare or a max (no exp): cheap enough to apply to a GEMM tile's
    /// accumulators in registers. Others are applied in a pass over the finished tile while it is in L1.
    /// </summary>
    static abstract bool IsCheap { get; }

    /// <summary>The scalar parameter (leaky ReLU's slope; 0 for activations without one).</summary>
    float Parameter { get; }

    /// <summary>y = f(x).</summary>
    float Forward(float x);

    /// <summary>y = f(x) per lane.</summary>
    Vector256<float> Forward(Vector256<float> x);

    /// <summary>y = f(x) per lane.</summary>
    Vector512<float> Forward(Vector512<float> x);

    /// <summary>f′ evaluated from s: the output y, or the input x when <see cref="DerivativeFromInput"/>.</summary>
    float Derivative(float s);

    /// <summary>f′ per lane; see <see cref="Derivative(float)"/>.</summary>
    Vector256<float> Derivative(Vector256<float> s);

    /// <summary>f′ per lane; see <see cref="Derivative(float)"/>.</summary>
    Vector512<float> Derivative(Vector512<float> s);
}
