using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

/// <summary>
/// Mermaid flowcharts of the forward and backward graphs: the same content as the DOT text,
/// in a form that GitHub and most Markdown viewers render without any tool installed.
/// </summary>
internal static class MermaidWriter
{
    public static string Forward(KernelPlan plan)
    {
        var text = new StringBuilder("flowchart TB\n");
        var shown = plan.Graph.Nodes.Where(n => !n.Shape.IsScalar || n.IsLoss).ToList();
        foreach (var node in shown)
            text.Append($"  n{node.Id}[\"{Label(node)}\"]:::{Class(node)}\n");
        foreach (var node in shown)
            foreach (var input in node.Inputs)
                text.Append($"  n{input.Id} --> n{node.Id}\n");
        if (plan.Graph.HasLoss)
        {
            text.Append($"  loss[\"loss = {Escape(SummaryWriter.LossText(plan.Graph))}\"]:::loss\n");
            foreach (var term in plan.Graph.LossTerms) text.Append($"  n{term.Node.Id} --> loss\n");
        }
        return text.Append(ClassDefinitions).ToString();
    }

    public static string Backward(KernelPlan plan)
    {
        var text = new StringBuilder("flowchart TB\n");
        var graph = BackwardGraph.Of(plan);
        foreach (var node in graph.Differentiated)
            text.Append($"  n{node.Id}[\"{Label(node)}\"]:::forward\n");
        foreach (var step in graph.Steps)
            text.Append($"  s{step.Index}[\"{step.Number.ToString(CultureInfo.InvariantCulture)}. {Escape(step.Kernel.Label)}<br/>→ {Escape(string.Join(", ", step.Kernel.Writes.Select(o => o.Name)))}\"]:::backward\n");
        foreach (var edge in graph.Edges)
            text.Append($"  s{edge.From} -->|{Escape(edge.Gradient)}| s{edge.To}\n");
        foreach (var step in graph.Steps.Where(s => s.Kernel.SourceNode >= 0))
            text.Append($"  s{step.Index} -.- n{step.Kernel.SourceNode}\n");
        return text.Append(ClassDefinitions).ToString();
    }

    private const string ClassDefinitions =
        "  classDef op fill:#e8f0fe,stroke:#6b8fd6\n" +
        "  classDef input fill:#e6f4ea,stroke:#5f9e6e\n" +
        "  classDef loss fill:#fde2e1,stroke:#d66b6b\n" +
        "  classDef forward fill:#eeeeee,stroke:#999999,color:#555555\n" +
        "  classDef backward fill:#fff1dc,stroke:#d6a46b\n";

    private static string Label(Node node)
    {
        string label = $"{node.Name}<br/>{Escape(SummaryWriter.OpName(node))} {node.Shape.WithBatch}";
        if (node.Layer is { } layer)
            label += $"<br/>{(layer.ParameterCount).ToString("N0", CultureInfo.InvariantCulture)} parameters";
        return label;
    }

    private static string Class(Node node) => node.Kind switch
    {
        OpKind.Input or OpKind.Target => "input",
        _ when node.IsLoss => "loss",
        _ => "op",
    };

    /// <summary>Mermaid entity codes for characters that would end a label.</summary>
    private static string Escape(string text) => text.Replace("\"", "#quot;").Replace("[", "#91;").Replace("]", "#93;").Replace("|", "#124;");
}
