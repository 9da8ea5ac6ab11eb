using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

/// <summary>
/// Graphviz DOT text of the forward graph (ops with shapes and parameter counts) and of the
/// backward graph (the backward steps, the gradients flowing between them, and a dashed
/// link from each step to the forward op it differentiates).
/// </summary>
internal static class DotWriter
{
    public static string Forward(KernelPlan plan, string name)
    {
        var dot = Header(name + "_forward", "forward graph of " + name);
        foreach (var node in plan.Graph.Nodes)
        {
            if (node.Shape.IsScalar && !node.IsLoss) continue;
            dot.AppendLine($"  n{node.Id} [label=\"{Label(node)}\"{Style(node)}];");
        }
        foreach (var node in plan.Graph.Nodes)
        {
            if (node.Shape.IsScalar && !node.IsLoss) continue;
            foreach (var input in node.Inputs)
                dot.AppendLine($"  n{input.Id} -> n{node.Id};");
        }
        if (plan.Graph.HasLoss)
        {
            dot.AppendLine($"  loss [label=\"loss\\n{Escape(SummaryWriter.LossText(plan.Graph))}\", fillcolor=\"#fde2e1\"];");
            foreach (var term in plan.Graph.LossTerms) dot.AppendLine($"  n{term.Node.Id} -> loss;");
        }
        dot.AppendLine("}");
        return dot.ToString();
    }

    public static string Backward(KernelPlan plan, string name)
    {
        var dot = Header(name + "_backward", "backward graph of " + name + ": gradients flow from the loss (top) to the parameters");
        var graph = BackwardGraph.Of(plan);
        foreach (var node in graph.Differentiated)
            dot.AppendLine($"  n{node.Id} [label=\"{Label(node)}\", fillcolor=\"#eeeeee\", color=\"#999999\", fontcolor=\"#555555\"];");
        foreach (var step in graph.Steps)
            dot.AppendLine($"  s{step.Index} [label=\"{step.Number}. {Escape(step.Kernel.Label)}\\n→ {Escape(string.Join(", ", step.Kernel.Writes.Select(o => o.Name)))}\", fillcolor=\"#fff1dc\"];");
        foreach (var edge in graph.Edges)
            dot.AppendLine($"  s{edge.From} -> s{edge.To} [label=\"{Escape(edge.Gradient)}\"];");
        foreach (var step in graph.Steps.Where(s => s.Kernel.SourceNode >= 0))
            dot.AppendLine($"  s{step.Index} -> n{step.Kernel.SourceNode} [style=dashed, color=\"#999999\", arrowhead=none, label=\"differentiates\", fontcolor=\"#999999\"];");
        dot.AppendLine("}");
        return dot.ToString();
    }

    private static StringBuilder Header(string graphName, string title)
    {
        var dot = new StringBuilder();
        dot.AppendLine($"digraph {graphName} {{");
        dot.AppendLine($"  label=\"{Escape(title)}\"; labelloc=t; fontname=\"Helvetica\";");
        dot.AppendLine("  rankdir=TB;");
        dot.AppendLine("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#e8f0fe\", fontname=\"Helvetica\", fontsize=11];");
        dot.AppendLine("  edge [fontname=\"Helvetica\", fontsize=9];");
        return dot;
    }

    private static string Label(Node node)
    {
        string label = $"{node.Name}\\n{Escape(SummaryWriter.OpName(node))}  {node.Shape.WithBatch}";
        if (node.Layer is { } layer)
            label += $"\\n{(layer.ParameterCount).ToString("N0", CultureInfo.InvariantCulture)} parameters";
        return label;
    }

    private static string Style(Node node) => node.Kind switch
    {
        OpKind.Input or OpKind.Target => ", fillcolor=\"#e6f4ea\"",
        _ when node.IsLoss => ", fillcolor=\"#fde2e1\"",
        _ => "",
    };

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
