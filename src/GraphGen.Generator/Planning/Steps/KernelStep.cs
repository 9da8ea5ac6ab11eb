using System.Collections.Generic;
using System.Linq;

namespace GraphGen.Generator.Planning;

/// <summary>How a step uses an operand: reads it, writes it whole, or reads and writes it (+=).</summary>
internal enum Access
{
    In,
    Out,
    InOut,
}

/// <summary>One operand of a step and how the step uses it.</summary>
internal readonly record struct OperandUse(Operand Operand, Access Access)
{
    public static OperandUse In(Operand operand) => new(operand, Access.In);
    public static OperandUse Out(Operand operand) => new(operand, Access.Out);

    /// <summary>A result that is written, or added to when <paramref name="accumulate"/>.</summary>
    public static OperandUse Result(Operand operand, bool accumulate) => new(operand, accumulate ? Access.InOut : Access.Out);
}

/// <summary>
/// One kernel launch of the plan, backend-neutral: the C# emitter renders it as a call into
/// the runtime (or a loop), a GPU emitter renders the same step as a kernel. A step declares each
/// operand once with how it uses it (<see cref="Uses"/>); what it reads and writes, all the memory
/// planner needs, is derived from that, so a read cannot be forgotten in one list and not another.
/// </summary>
internal abstract record KernelStep
{
    /// <summary>Lines of math that explain the step, written above it in the generated code.</summary>
    public IReadOnlyList<string> Comment { get; init; } = [];

    /// <summary>The forward node this step computes or differentiates.</summary>
    public int SourceNode { get; init; } = -1;

    /// <summary>Short label for graphs, e.g. "dense hidden" or "ReLU backward".</summary>
    public string Label { get; init; } = "";

    /// <summary>A note on what was fused into this step, if anything.</summary>
    public string? Fused { get; init; }

    /// <summary>Every operand the step touches, each with its access, in argument order.</summary>
    public abstract IEnumerable<OperandUse> Uses { get; }

    /// <summary>Operands whose values the step reads (In and InOut).</summary>
    public IEnumerable<Operand> Reads => Uses.Where(u => u.Access != Access.Out).Select(u => u.Operand).Distinct();

    /// <summary>Operands the step writes (Out and InOut).</summary>
    public IEnumerable<Operand> Writes => Uses.Where(u => u.Access != Access.In).Select(u => u.Operand).Distinct();
}
