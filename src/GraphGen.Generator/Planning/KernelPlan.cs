using System.Collections.Generic;
using GraphGen.Generator.Graphs;

namespace GraphGen.Generator.Planning;

/// <summary>
/// The backend-neutral program for one network: the forward steps, the loss steps (which
/// also seed the gradient), the backward steps, and the arena layout of every buffer.
/// </summary>
internal sealed class KernelPlan(Graph graph)
{
    public Graph Graph { get; } = graph;
    public List<Buffer> Buffers { get; } = [];
    public List<KernelStep> Forward { get; } = [];
    public List<KernelStep> Loss { get; } = [];
    public List<KernelStep> Backward { get; } = [];

    /// <summary>Floats per sample of the whole arena (the arena holds capacity × this).</summary>
    public int ArenaWidth { get; set; }

    /// <summary>Floats of the fixed region (buffers that do not scale with the batch).</summary>
    public int FixedSize { get; set; }

    /// <summary>Every output [Forward] returns; <see cref="Output"/> is the first.</summary>
    public List<Operand> Outputs { get; } = [];

    public Operand Input { get; set; } = null!;
    public Operand Output { get; set; } = null!;
    public Operand? Target { get; set; }
    public Operand? InputGradient { get; set; }

    /// <summary>The locals holding each loss term's value, with its weight in the total.</summary>
    public List<(string Result, double Weight)> LossTerms { get; } = [];

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
}
