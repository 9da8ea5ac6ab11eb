using System.Collections.Generic;
using System.Linq;

namespace GraphGen.Generator.Planning;

/// <summary>One argument of a kernel call: an operand, or a value (a size, a flag, a seed expression).</summary>
internal sealed record KernelArg(Operand? Operand, string? Value, string? Name = null)
{
    public static KernelArg Of(Operand operand, string? name = null) => new(operand, null, name);
    public static KernelArg Of(int value, string? name = null) => new(null, value.ToString(System.Globalization.CultureInfo.InvariantCulture), name);
    public static KernelArg Of(Dim dim, string? name = null) => new(null, dim.Code, name);
    public static KernelArg Of(bool value, string name) => new(null, value ? "true" : "false", name);
    public static KernelArg Code(string code, string? name = null) => new(null, code, name);
}

/// <summary>
/// A call to a runtime kernel, GraphGen.Kernels.<see cref="Kernel"/>.<see cref="Method"/>(args):
/// the form of most ops beyond GEMM and elementwise maps (normalisation, pooling, attention
/// permutations...). Reads and writes are listed explicitly for the memory planner.
/// </summary>
internal sealed record KernelCallStep(string Kernel, string Method, IReadOnlyList<KernelArg> Arguments, IReadOnlyList<Operand> ReadOperands, IReadOnlyList<Operand> WriteOperands) : KernelStep
{
    public override IEnumerable<Operand> Reads => ReadOperands;
    public override IEnumerable<Operand> Writes => WriteOperands;
}

/// <summary>Steps that differ between training (batch statistics, dropout) and inference.</summary>
internal sealed record ModalStep(IReadOnlyList<KernelStep> Training, IReadOnlyList<KernelStep> Inference) : KernelStep
{
    public override IEnumerable<Operand> Reads => Training.Concat(Inference).SelectMany(s => s.Reads).Distinct();
    public override IEnumerable<Operand> Writes => Training.Concat(Inference).SelectMany(s => s.Writes).Distinct();
}
