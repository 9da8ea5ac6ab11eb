using System.Collections.Generic;
using System.Globalization;

namespace GraphGen.Generator.Planning;

/// <summary>
/// One argument of a kernel call: an operand with how the kernel uses it, or a value (a size, a
/// flag, an expression of the generated class such as the batch). <see cref="Name"/> is the
/// kernel's parameter name when the argument is passed by name.
/// </summary>
internal sealed record KernelArg(Operand? Operand, Access Access, string? Value, string? Name = null)
{
    /// <summary>The operand is passed only when the caller wants gradients: <c>withGradient ? x : default</c> (losses).</summary>
    public bool OnlyWithGradient { get; init; }

    public static KernelArg In(Operand operand, string? name = null) => new(operand, Access.In, null, name);
    public static KernelArg Out(Operand operand, string? name = null) => new(operand, Access.Out, null, name);
    public static KernelArg InOut(Operand operand, string? name = null) => new(operand, Access.InOut, null, name);

    /// <summary>A gradient the kernel writes, or adds to when the target accumulates.</summary>
    public static KernelArg Gradient(GradientTarget target, string? name = null) => new(target.Operand, target.Accumulate ? Access.InOut : Access.Out, null, name);

    public static KernelArg Of(int value, string? name = null) => new(null, Access.In, value.ToString(CultureInfo.InvariantCulture), name);
    public static KernelArg Of(Dim dim, string? name = null) => new(null, Access.In, dim.Code, name);
    public static KernelArg Of(bool value, string name) => new(null, Access.In, value ? "true" : "false", name);
    public static KernelArg Float(double value, string? name = null) => new(null, Access.In, MapConstant.FloatLiteral(value), name);

    /// <summary>The run-time batch size.</summary>
    public static KernelArg Batch { get; } = new(null, Access.In, "batch", null);

    /// <summary>An absent optional tensor.</summary>
    public static KernelArg None(string? name = null) => new(null, Access.In, "default", name);

    /// <summary>A constructed value, e.g. a convolution's shape.</summary>
    public static KernelArg Code(string code, string? name = null) => new(null, Access.In, code, name);

    /// <summary>The seed of stochastic op <paramref name="stream"/>'s random numbers.</summary>
    public static KernelArg StreamSeed(int stream) => Code($"global::GraphGen.SeededRandom.StreamSeed(Seed, {stream.ToString(CultureInfo.InvariantCulture)})");
}

/// <summary>What activation, if any, a kernel can apply as it writes its result.</summary>
internal enum ActivationSlot
{
    /// <summary>The kernel takes no activation.</summary>
    None,
    /// <summary>The kernel can apply f to its output as it writes it (a convolution).</summary>
    Forward,
    /// <summary>The kernel can multiply its output gradient by f′ evaluated from a saved tensor (max pooling backward).</summary>
    Derivative,
}

/// <summary>
/// A call to a runtime kernel, GraphGen.Kernels.<see cref="Kernel"/>.<see cref="Method"/>(args):
/// the form of every op beyond GEMM and elementwise loops (softmax, losses, normalisation,
/// convolution, pooling, attention permutations...). Reads and writes come from the access of
/// each argument. A loss returns its value into the local <see cref="Result"/>.
/// </summary>
internal sealed record CallStep(string Kernel, string Method, IReadOnlyList<KernelArg> Arguments) : KernelStep
{
    /// <summary>The local the kernel's return value is stored in (a loss term), or null.</summary>
    public string? Result { get; init; }

    /// <summary>What activation fusion may give this kernel.</summary>
    public ActivationSlot Slot { get; init; }

    /// <summary>The activation fused into the kernel, passed after the other arguments (with its derivative source, for <see cref="ActivationSlot.Derivative"/>).</summary>
    public ActivationUse? Activation { get; init; }

    public override IEnumerable<OperandUse> Uses
    {
        get
        {
            foreach (var argument in Arguments)
                if (argument.Operand is { } operand) yield return new OperandUse(operand, argument.Access);
            if (Activation?.DerivativeSource is { } source) yield return OperandUse.In(source);
        }
    }
}
