using System.Collections.Generic;
using System.Linq;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

/// <summary>
/// The backward graph as the DOT and Mermaid writers draw it: the loss and backward steps (with
/// their numbers in the generated code), the gradient each step passes to a later one, and the
/// forward node each step differentiates.
/// </summary>
internal sealed class BackwardGraph
{
    public sealed record Step(int Index, int Number, KernelStep Kernel);

    public sealed record Edge(int From, int To, string Gradient);

    private BackwardGraph(List<Node> differentiated, List<Step> steps, List<Edge> edges)
    {
        Differentiated = differentiated;
        Steps = steps;
        Edges = edges;
    }

    /// <summary>Forward nodes some backward step differentiates.</summary>
    public IReadOnlyList<Node> Differentiated { get; }

    public IReadOnlyList<Step> Steps { get; }

    /// <summary>Step <c>From</c> wrote a gradient that step <c>To</c> reads.</summary>
    public IReadOnlyList<Edge> Edges { get; }

    public static BackwardGraph Of(KernelPlan plan)
    {
        var kernels = plan.Loss.Concat(plan.Backward).ToList();
        var sources = new HashSet<int>(kernels.Select(s => s.SourceNode));
        var steps = kernels.Select((k, i) => new Step(i, plan.Forward.Count + i + 1, k)).ToList();
        var edges = new List<Edge>();
        var writers = new Dictionary<Operand, List<int>>();
        // A gradient that is another name for a tensor's floats (a copy elided) is written by that tensor's writers.
        Operand Key(Operand o) => o.Kind == OperandKind.Buffer && plan.BufferOf(o) is { AliasOf: >= 0 } alias
            ? new Operand(OperandKind.Buffer, alias.AliasOf, plan.Buffers[alias.AliasOf].Name) : o;
        for (int i = 0; i < kernels.Count; i++)
        {
            foreach (var read in kernels[i].Reads)
                if (writers.TryGetValue(Key(read), out var from))
                    edges.AddRange(from.Distinct().Where(f => f != i).Select(f => new Edge(f, i, read.Name)));
            foreach (var written in kernels[i].Writes)
            {
                if (!writers.TryGetValue(Key(written), out var list)) writers[Key(written)] = list = [];
                list.Add(i);
            }
        }
        return new BackwardGraph(plan.Graph.Nodes.Where(n => sources.Contains(n.Id)).ToList(), steps, edges);
    }
}
