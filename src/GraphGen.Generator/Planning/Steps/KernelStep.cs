using System.Collections.Generic;

namespace GraphGen.Generator.Planning;

/// <summary>
/// One kernel launch of the plan, backend-neutral: the C# emitter renders it as a call into
/// the runtime (or a loop), a GPU emitter would render the same step as a kernel. Steps know
/// which operands they read and write, which is all the memory planner needs.
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

    public abstract IEnumerable<Operand> Reads { get; }
    public abstract IEnumerable<Operand> Writes { get; }
}
