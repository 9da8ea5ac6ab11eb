using GraphGen.Generator.Ops;

namespace GraphGen.Generator.Planning;

/// <summary>
/// An activation applied by a step: its function (a row of the activation table, which names the
/// runtime struct that defines it), its slope (leaky ReLU), and, for the backward form, the tensor
/// f′ is evaluated from.
/// </summary>
internal sealed record ActivationUse(ActivationFunction Function, double Slope, Operand? DerivativeSource = null)
{
    public bool IsBackward => DerivativeSource is not null;

    /// <summary>C# that constructs the runtime struct, e.g. <c>new global::GraphGen.Kernels.LeakyRelu(0.2f)</c>.</summary>
    public string Code => Function.Code(Slope);
}
