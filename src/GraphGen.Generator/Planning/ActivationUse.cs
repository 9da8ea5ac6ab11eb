using GraphGen.Generator.Ops;

namespace GraphGen.Generator.Planning;

/// <summary>
/// An activation applied by a step: its function (a row of the activation table, which names the
/// runtime struct that defines it), its slope (leaky ReLU), and, for the backward form, the tensor
/// f′ is evaluated from, or, when <see cref="Saved"/>, the tensor that holds f′ itself.
/// </summary>
internal sealed record ActivationUse(ActivationFunction Function, double Slope, Operand? DerivativeSource = null)
{
    public bool IsBackward => DerivativeSource is not null;

    /// <summary>
    /// The backward form reads f′ as the forward pass saved it (<see cref="Fusion"/>: a GEMM epilogue
    /// that writes f(z) and f′(z), so z is never stored): the runtime's <c>Saved&lt;F&gt;</c>.
    /// </summary>
    public bool Saved { get; init; }

    /// <summary>C# that constructs the runtime struct, e.g. <c>new global::GraphGen.Kernels.LeakyRelu(0.2f)</c>.</summary>
    public string Code => Saved ? $"new global::GraphGen.Kernels.Saved<global::GraphGen.Kernels.{Function.Name}>()" : Function.Code(Slope);
}
