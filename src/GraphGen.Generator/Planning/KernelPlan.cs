using System.Collections.Generic;
using GraphGen.Generator.Graphs;

namespace GraphGen.Generator.Planning;

/// <summary>
/// The backend-neutral program for one network: the forward steps, the loss steps (which
/// also seed the gradient), the backward steps, and the arena layout of every buffer. A value:
/// each pass (<see cref="PlanPasses"/>) takes a plan and returns a new one.
/// </summary>
internal sealed record KernelPlan(Graph Graph)
{
    public IReadOnlyList<Buffer> Buffers { get; init; } = [];
    public IReadOnlyList<KernelStep> Forward { get; init; } = [];
    public IReadOnlyList<KernelStep> Loss { get; init; } = [];
    public IReadOnlyList<KernelStep> Backward { get; init; } = [];

    /// <summary>Floats per sample of the whole arena (the arena holds capacity × this); set by memory planning.</summary>
    public int ArenaWidth { get; init; }

    /// <summary>Floats of the fixed region (buffers that do not scale with the batch); set by memory planning.</summary>
    public int FixedSize { get; init; }

    /// <summary>Every output [Forward] returns; <see cref="Output"/> is the first.</summary>
    public IReadOnlyList<Operand> Outputs { get; init; } = [];

    public Operand Input { get; init; } = null!;
    public Operand Output => Outputs[0];
    public Operand? Target { get; init; }
    public Operand? InputGradient { get; init; }

    /// <summary>
    /// The convolutions (C# of their runtime shapes) that inference runs on channel blocks
    /// (<see cref="ChannelBlocking"/>): the generated class checks once that the runtime runs each of
    /// them on the channels-last kernel, so the blocked branch computes the planes' bits.
    /// </summary>
    public IReadOnlyList<string> BlockedShapes { get; init; } = [];

    /// <summary>The locals holding each loss term's value, with its weight in the total.</summary>
    public IReadOnlyList<(string Result, double Weight)> LossTerms { get; init; } = [];

    /// <summary>Steps in training order: forward, loss, backward.</summary>
    public IEnumerable<KernelStep> AllSteps
    {
        get
        {
            foreach (var s in Forward) yield return s;
            foreach (var s in Loss) yield return s;
            foreach (var s in Backward) yield return s;
        }
    }

    /// <summary>The buffer behind an arena operand.</summary>
    public Buffer BufferOf(Operand operand) => Buffers[operand.Index];
}
