using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

/// <summary>The GPU's forms of the steps that are loops on the CPU: each becomes a generated kernel and one launch.</summary>
internal sealed partial class StepRenderer
{
    private const string View = "global::ILGPU.ArrayView<float>";

    /// <summary>A map the runtime's device kernels already do: an unfused activation, a clear, a copy.</summary>
    private string? DeviceCall(MapStep m)
    {
        if (m.Activation is { } act)
            return act.Use.IsBackward
                ? $"{Kernels}Activations.Backward({Device}{act.Use.Code}, {act.Use.DerivativeSource}, {act.Input}, {m.Output}, accumulate: {Bool(m.Accumulate)});"
                : $"{Kernels}Activations.Forward({Device}{act.Use.Code}, {act.Input}, {m.Output});";
        if (m.Accumulate) return null;
        return m.Expression switch
        {
            MapConstant { Value: 0 } => $"{Kernels}Elementwise.Clear({Device}{m.Output});",
            MapOperand { Broadcast: Broadcast.Elementwise } a => $"{Kernels}Elementwise.Copy({Device}{a.Operand}, {m.Output});",
            _ => null,
        };
    }

    /// <summary>Output (+)= expression: one thread per element (a broadcast operand indexed by the element's row or column).</summary>
    private void MapKernel(CodeWriter w, MapStep m)
    {
        var operands = Operands(m.Output, MapStep.MapOperands(m.Expression).Select(o => o.Operand));
        bool broadcast = MapStep.MapOperands(m.Expression).Any(o => o.Broadcast != Broadcast.Elementwise);
        var body = new List<string>();
        if (broadcast) body.Add($"int r = i / {m.Columns}, c = i % {m.Columns};");
        body.Add($"{m.Output}[i] {(m.Accumulate ? "+=" : "=")} {MapRenderer.Render(m.Expression, "i", "r")};");
        Launch(w, new Dim(m.Rows.Factor * m.Columns, m.Rows.PerBatch), operands, body, "i");
    }

    /// <summary>Y[r] (+)= scale · Σ_c expression[r, c]: one thread per row, adding its columns in order.</summary>
    private void RowSumKernel(CodeWriter w, RowSumStep s)
    {
        var operands = Operands(s.Y, MapStep.MapOperands(s.Expression).Select(o => o.Operand));
        string value = s.Scale == 1 ? "sum" : MapConstant.FloatLiteral(s.Scale) + " * sum";
        var body = new List<string>
        {
            "float sum = 0f;",
            $"for (int c = 0, e = r * {s.Columns}; c < {s.Columns}; c++, e++)",
            "    sum += " + MapRenderer.Render(s.Expression, "e", "r") + ";",
            $"{s.Y}[r] {(s.Accumulate ? "+=" : "=")} {value};",
        };
        Launch(w, s.Rows, operands, body, "r");
    }

    /// <summary>To[r, toOffset + j] (+)= From[r, fromOffset + j]: one thread per copied element.</summary>
    private void ColumnCopyKernel(CodeWriter w, ColumnCopyStep c)
    {
        var body = new List<string>
        {
            $"int r = i / {c.Count}, j = i % {c.Count};",
            $"{c.To}[r * {c.ToWidth}{Plus(c.ToOffset)} + j] {(c.Accumulate ? "+=" : "=")} {c.From}[r * {c.FromWidth}{Plus(c.FromOffset)} + j];",
        };
        Launch(w, new Dim(c.Rows.Factor * c.Count, c.Rows.PerBatch), Operands(c.To, [c.From]), body, "i");
    }

    /// <summary>Records a generated kernel over <paramref name="count"/> threads and writes its launch.</summary>
    private void Launch(CodeWriter w, Dim count, List<Operand> operands, List<string> body, string index)
    {
        string name = target.KernelName();
        var parameters = new List<string> { $"global::ILGPU.Index1D {index}" };
        parameters.AddRange(operands.Select(o => $"{View} {o.Name}"));
        target.Kernels.Add(new GeneratedKernel(name, $"Step {target.StepNumber.ToString(CultureInfo.InvariantCulture)}, one thread per {(index == "r" ? "row" : "element")}", parameters, body));
        w.Line($"Launch({name}, {count.Code}, {string.Join(", ", operands.Select(o => o.Name))});");
    }

    /// <summary>The output, then the other operands in order of first appearance, each once.</summary>
    private static List<Operand> Operands(Operand output, IEnumerable<Operand> reads)
    {
        var list = new List<Operand> { output };
        foreach (var operand in reads)
            if (!list.Contains(operand)) list.Add(operand);
        return list;
    }
}
