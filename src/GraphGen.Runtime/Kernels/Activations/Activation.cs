namespace GraphGen.Kernels;

/// <summary>
/// The elementwise activations a GEMM epilogue can apply to its output tile (forward), or whose
/// derivative it can multiply into its output tile (backward). Scalar definitions:
/// <see cref="SpecialFunctions"/>, vectorised ones: <see cref="VectorMath"/>.
/// </summary>
public enum Activation
{
    /// <summary>The identity: f(x) = x, f′ = 1.</summary>
    None,
    /// <summary>f(x) = max(x, 0); f′ = 1 where the output is positive, else 0.</summary>
    Relu,
    /// <summary>f(x) = x for x &gt; 0, slope·x otherwise; f′ = 1 or slope.</summary>
    LeakyRelu,
    /// <summary>f(x) = σ(x) = 1 / (1 + e^(−x)); f′ = y(1 − y) in terms of the output y.</summary>
    Sigmoid,
    /// <summary>f(x) = tanh(x); f′ = 1 − y² in terms of the output y.</summary>
    Tanh,
    /// <summary>f(x) = x·Φ(x), the exact GELU; f′ = Φ(x) + x·φ(x) needs the input x.</summary>
    Gelu,
}
