using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Ops;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

/// <summary>Text tables that describe a network: the model summary, the parameter table and the memory plan.</summary>
internal static class SummaryWriter
{
    /// <summary>Layer, op, output shape and parameter count, one line per node, as in Keras' model.summary().</summary>
    public static List<string> SummaryLines(KernelPlan plan)
    {
        var graph = plan.Graph;
        var rows = new List<string[]> { new[] { "tensor", "op", "output", "parameters" } };
        var counted = new HashSet<Layer>();
        foreach (var node in graph.Nodes)
        {
            if (node.Kind == OpKind.Target || node.Shape.IsScalar) continue;
            int parameters = 0;
            string op = OpName(node);
            if (node.Layer is { } layer)
            {
                if (counted.Add(layer)) parameters = layer.ParameterCount;
                else op += " (shared)";
            }
            rows.Add(new[] { node.Name, op, node.Shape.WithBatch, parameters.ToString("N0", CultureInfo.InvariantCulture) });
        }
        var lines = Table(rows, 3);
        lines.Add($"total: {graph.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters ({(graph.ParameterCount * 4.0 / 1024).ToString("0.0", CultureInfo.InvariantCulture)} KiB as float32)");
        if (graph.HasLoss)
            lines.Add("loss = " + LossText(graph));
        return lines;
    }

    public static string LossText(Graph graph)
    {
        var terms = graph.LossTerms.Select(t =>
            (t.Weight == 1 ? "" : t.Weight.ToString("G6", CultureInfo.InvariantCulture) + " · ") +
            $"{OpCatalog.For(t.Node).Name}({t.Node.Inputs[0].Name}, {t.Node.Inputs[1].Name}{IgnoreText(t.Node)})").ToList();
        if (graph.LossConstant != 0) terms.Add(graph.LossConstant.ToString("G6", CultureInfo.InvariantCulture));
        return string.Join(" + ", terms);
    }

    private static string IgnoreText(Node node) =>
        node.Attributes is LossAttributes { IgnoreLabel: { } label } ? ", ignoreLabel: " + label.ToString(CultureInfo.InvariantCulture) : "";

    public static List<string> ParameterLines(Graph graph)
    {
        var rows = new List<string[]> { new[] { "name", "shape", "offset", "floats", "init" } };
        foreach (var p in graph.Parameters)
            rows.Add(new[] { p.Name, p.ShapeText, Num(p.Offset), Num(p.Count), InitText(p) });
        return Table(rows, 2, 3);
    }

    public static List<string> StateLines(Graph graph)
    {
        var rows = new List<string[]> { new[] { "name", "shape", "offset", "floats", "initial" } };
        foreach (var p in graph.State)
            rows.Add(new[] { p.Name, p.ShapeText, Num(p.Offset), Num(p.Count), InitText(p) });
        return Table(rows, 2, 3);
    }

    public static List<string> MemoryLines(KernelPlan plan)
    {
        int forward = plan.Forward.Count, loss = plan.Loss.Count, total = plan.AllSteps.Count();
        var lines = new List<string>
        {
            $"One arena of capacity × {plan.ArenaWidth} floats. Steps are numbered in training order: forward 1–{forward}" +
            (loss > 0 ? $", loss {Range(forward + 1, forward + loss)}, backward {Range(forward + loss + 1, total)}" : "") + ".",
            "Buffers whose live ranges do not overlap share the same floats.",
        };
        var rows = new List<string[]> { new[] { "buffer", "holds", "floats/sample", "offset", "live (steps)" } };
        foreach (var b in plan.Buffers.Where(b => !b.Unused && !b.Fixed).OrderBy(b => b.FirstStep).ThenBy(b => b.Id))
        {
            string holds = b.AliasOf >= 0 ? $"dLoss/d{b.Node.Name}: the floats of {plan.Buffers[b.AliasOf].Name}" : b.Role switch
            {
                BufferRole.Activation => $"{OpName(b.Node)} output",
                BufferRole.InputGradient => "dLoss/dInput",
                BufferRole.Saved => $"saved by {OpName(b.Node)}{(b.Integer ? " (ints)" : "")}",
                BufferRole.Blocked => $"{OpName(b.Node)} output in channel blocks (inference)",
                _ => $"dLoss/d{b.Node.Name}",
            };
            string live = b.LastStep >= total ? $"{b.FirstStep + 1}–end" : $"{b.FirstStep + 1}–{b.LastStep + 1}";
            rows.Add(new[] { b.Name, holds, Num(b.Width), Num(b.Offset), live });
        }
        lines.AddRange(Table(rows, 2, 3));
        foreach (var b in plan.Buffers.Where(b => !b.Unused && b.Fixed))
            lines.Add($"Fixed region: {b.Name} ({b.Width} floats at {b.Offset}), saved by {OpName(b.Node)}; it does not scale with the batch.");
        long naive = plan.Buffers.Where(b => !b.Unused && !b.Fixed && b.AliasOf < 0).Sum(b => (long)b.Width);
        if (naive > 0)
            lines.Add($"Sharing saves {Num(naive - plan.ArenaWidth)} of {Num(naive)} floats per sample ({(100.0 * (naive - plan.ArenaWidth) / naive).ToString("0", CultureInfo.InvariantCulture)}%).");
        return lines;
    }

    public static string OpName(Node node) => node.Kind switch
    {
        OpKind.Input => "Input",
        OpKind.Target => "Target",
        _ when node.Layer is { } layer => $"{layer.Op} \"{layer.Name}\"",
        OpKind.Affine => "Scale",
        _ => OpCatalog.For(node).Name == "operator" ? node.Kind.ToString() : OpCatalog.For(node).Name,
    };

    public static string InitText(GraphParameter p) => p.Init switch
    {
        "HeUniform" => $"He uniform, bound sqrt(6/{p.FanIn})",
        "XavierUniform" => $"Xavier uniform, bound sqrt(6/({p.FanIn}+{p.FanOut}))",
        "Zeros" => "zeros",
        "Ones" => "ones",
        "SmallUniform" => "uniform, std 0.02",
        _ => p.Init,
    };

    private static string Range(int first, int last) => first == last ? Num(first) : Num(first) + "–" + Num(last);

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Aligns columns with two spaces between them; the given columns are right-aligned.</summary>
    public static List<string> Table(List<string[]> rows, params int[] rightAligned)
    {
        int columns = rows[0].Length;
        var widths = new int[columns];
        foreach (var row in rows)
            for (int c = 0; c < columns; c++) widths[c] = System.Math.Max(widths[c], row[c].Length);
        return rows.Select(row => string.Join("  ", Enumerable.Range(0, columns).Select(c =>
            rightAligned.Contains(c) ? row[c].PadLeft(widths[c]) : c == columns - 1 ? row[c] : row[c].PadRight(widths[c])))
            .TrimEnd()).ToList();
    }
}
