using System;
using System.Linq;
using System.Globalization;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

/// <summary>Renders kernel steps as C#: calls into GraphGen.Kernels, or plain loops for elementwise maps.</summary>
internal static class StepRenderer
{
    private const string Kernels = "global::GraphGen.Kernels.";

    public static void Render(CodeWriter w, KernelStep step, int number)
    {
        for (int i = 0; i < step.Comment.Count; i++)
            w.Comment((i == 0 ? number.ToString(CultureInfo.InvariantCulture) + ". " : "   ") + step.Comment[i]);
        if (step.Fused is not null) w.Comment("   fused: " + step.Fused);
        RenderBody(w, step);
    }

    /// <summary>The code of a step, without its comment (steps inside a training/inference branch).</summary>
    private static void RenderBody(CodeWriter w, KernelStep step)
    {
        switch (step)
        {
            case GemmStep g: Gemm(w, g); break;
            case MapStep m: MapLoop(w, m); break;
            case SoftmaxStep s:
                w.Line($"{Kernels}Softmax.Forward({s.X}, {s.Y}, {s.Rows.Code}, {s.Columns});");
                break;
            case SoftmaxBackwardStep s:
                w.Line($"{Kernels}Softmax.Backward({s.Y}, {s.DY}, {s.DX}, {s.Rows.Code}, {s.Columns}, accumulate: {Bool(s.Accumulate)});");
                break;
            case BiasGradientStep b:
                w.Line($"{Kernels}Bias.SumRows({b.DY}, {b.DBias}, {b.Rows.Code}, {b.Columns}, accumulate: {Bool(b.Accumulate)});");
                break;
            case RowSumStep r: RowSum(w, r); break;
            case ColumnCopyStep c: ColumnCopy(w, c); break;
            case LossStep l: Loss(w, l); break;
            case KernelCallStep k: w.Line(Call(k)); break;
            case Conv2dStep c: Conv(w, c); break;
            case KlLossStep kl: KlLoss(w, kl); break;
            case ModalStep modal:
                using (w.Block("if (training)"))
                    foreach (var inner in modal.Training) RenderBody(w, inner);
                using (w.Block("else"))
                    foreach (var inner in modal.Inference) RenderBody(w, inner);
                break;
            default: throw new InvalidOperationException("No renderer for " + step.GetType().Name);
        }
    }

    private static void Gemm(CodeWriter w, GemmStep g)
    {
        string method = (g.TransposeA, g.TransposeB) switch
        {
            (false, false) => "Multiply",
            (false, true) => "MultiplyTransposedB",
            (true, false) => "MultiplyTransposedA",
            _ => throw new InvalidOperationException("A·Bᵀ with both transposed is not emitted"),
        };
        string call = $"{Kernels}Gemm.{method}({g.A}, {g.B}, {g.C}, {g.M.Code}, {g.N.Code}, {g.K.Code}";
        string slope = g.Activation == "LeakyRelu" ? ", slope: " + MapConstant.FloatLiteral(g.Slope) : "";
        if (g.DerivativeSource is not null)
            w.Line($"{call}, {Kernels}Activation.{g.Activation}, derivativeSource: {g.DerivativeSource}{slope});");
        else if (g.Bias is not null || g.Activation != "None")
            w.Line($"{call}, bias: {(g.Bias is null ? "default" : g.Bias.Name)}, {Kernels}Activation.{g.Activation}{slope});");
        else
            w.Line(call + (g.Accumulate ? ", accumulate: true" : "") + ");");
    }

    private static void MapLoop(CodeWriter w, MapStep m)
    {
        if (PrimitiveCall(m) is { } call)
        {
            w.Line(call);
            return;
        }
        string assign = m.Accumulate ? " += " : " = ";
        bool broadcast = false;
        foreach (var operand in MapStep.MapOperands(m.Expression))
            broadcast |= operand.Broadcast != Broadcast.Elementwise;
        if (!broadcast)
        {
            string count = new Dim(m.Rows.Factor * m.Columns, m.Rows.PerBatch).Code;
            w.Line($"for (int i = 0; i < {count}; i++)");
            using (w.Indent())
                w.Line(m.Output + "[i]" + assign + MapRenderer.Render(m.Expression, "i", "r") + ";");
            return;
        }
        using (w.Block($"for (int r = 0; r < {m.Rows.Code}; r++)"))
        {
            w.Line($"for (int c = 0, i = r * {m.Columns}; c < {m.Columns}; c++, i++)");
            using (w.Indent())
                w.Line(m.Output + "[i]" + assign + MapRenderer.Render(m.Expression, "i", "r") + ";");
        }
    }

    private static void RowSum(CodeWriter w, RowSumStep r)
    {
        using (w.Block($"for (int r = 0; r < {r.Rows.Code}; r++)"))
        {
            w.Line("float sum = 0f;");
            w.Line($"for (int c = 0, i = r * {r.Columns}; c < {r.Columns}; c++, i++)");
            using (w.Indent())
                w.Line("sum += " + MapRenderer.Render(r.Expression, "i", "r") + ";");
            string value = r.Scale == 1 ? "sum" : MapConstant.FloatLiteral(r.Scale) + " * sum";
            w.Line($"{r.Y}[r] {(r.Accumulate ? "+=" : "=")} {value};");
        }
    }

    private static void ColumnCopy(CodeWriter w, ColumnCopyStep c)
    {
        string from = $"{c.From}.Slice(r * {c.FromWidth}{Plus(c.FromOffset)}, {c.Count})";
        string to = $"{c.To}.Slice(r * {c.ToWidth}{Plus(c.ToOffset)}, {c.Count})";
        if (!c.Accumulate)
        {
            w.Line($"for (int r = 0; r < {c.Rows.Code}; r++)");
            using (w.Indent()) w.Line($"{from}.CopyTo({to});");
            return;
        }
        using (w.Block($"for (int r = 0; r < {c.Rows.Code}; r++)"))
        {
            w.Line($"for (int j = 0; j < {c.Count}; j++)");
            using (w.Indent())
                w.Line($"{c.To}[r * {c.ToWidth}{Plus(c.ToOffset)} + j] += {c.From}[r * {c.FromWidth}{Plus(c.FromOffset)} + j];");
        }
    }

    private static void Loss(CodeWriter w, LossStep l)
    {
        string kernel = l.Loss switch
        {
            OpKind.SoftmaxCrossEntropy => "SoftmaxCrossEntropy",
            OpKind.BinaryCrossEntropy => "BinaryCrossEntropy",
            OpKind.BinaryCrossEntropyWithLogits => "BinaryCrossEntropyWithLogits",
            _ => "MeanSquaredError",
        };
        string gradient = l.Gradient is null ? "default" : $"withGradient ? {l.Gradient} : default";
        string size = l.Loss == OpKind.SoftmaxCrossEntropy
            ? $"{l.Rows.Code}, {l.Columns}"
            : (l.Columns == 1 ? l.Rows.Code : $"{l.Rows.Code} * {l.Columns}");
        string extra = (l.Weight == 1 ? "" : ", weight: " + MapConstant.FloatLiteral(l.Weight)) + (l.Accumulate ? ", accumulate: true" : "")
            + (l.IgnoreLabel is { } ignore ? ", ignoreLabel: " + ignore.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
        w.Line($"float {l.Result} = {Kernels}Losses.{kernel}({l.Prediction}, {l.Target}, {gradient}, {size}{extra});");
    }

    private const string Primitives = "global::System.Numerics.Tensors.TensorPrimitives.";

    /// <summary>
    /// A map that is one of System.Numerics.Tensors' SIMD primitives (a ± b, a ⊙ b, s·a, σ(a)...)
    /// becomes a single call; anything else is written as a plain loop. Operands and output
    /// views all hold exactly the map's elements.
    /// </summary>
    private static string? PrimitiveCall(MapStep m)
    {
        if (m.Activation is { } act)
        {
            // An activation left unfused (its input is needed later): the vectorised runtime kernel.
            string slope = act.Kind == "LeakyRelu" ? ", slope: " + MapConstant.FloatLiteral(act.Slope) : "";
            return act.DerivativeSource is null
                ? $"{Kernels}Activations.Forward({Kernels}Activation.{act.Kind}, {act.Input}, {m.Output}{slope});"
                : $"{Kernels}Activations.Backward({Kernels}Activation.{act.Kind}, {act.DerivativeSource}, {act.Input}, {m.Output}, accumulate: {Bool(m.Accumulate)}{slope});";
        }
        if (MapStep.MapOperands(m.Expression).Any(o => o.Broadcast != Broadcast.Elementwise)) return null;
        string o = m.Output.Name;
        if (m.Accumulate)
        {
            return m.Expression switch
            {
                MapOperand a => $"{Primitives}Add({o}, {a.Operand}, {o});",
                MapBinary { Operator: "*", Left: MapOperand a, Right: MapOperand b } => $"{Primitives}MultiplyAdd({a.Operand}, {b.Operand}, {o}, {o});",
                MapBinary { Operator: "*", Left: MapConstant c, Right: MapOperand a } => $"{Primitives}MultiplyAdd({a.Operand}, {c.Code}, {o}, {o});",
                MapUnary { Function: "neg", Argument: MapOperand a } => $"{Primitives}Subtract({o}, {a.Operand}, {o});",
                _ => null,
            };
        }
        return m.Expression switch
        {
            MapConstant { Value: 0 } => $"{o}.Clear();",
            MapOperand a => $"{a.Operand}.CopyTo({o});",
            MapBinary { Left: MapOperand a, Right: MapOperand b } bin => $"{Primitives}{BinaryName(bin.Operator)}({a.Operand}, {b.Operand}, {o});",
            MapBinary { Operator: "*", Left: MapConstant c, Right: MapOperand a } => $"{Primitives}Multiply({a.Operand}, {c.Code}, {o});",
            MapBinary { Operator: "+", Left: MapOperand a, Right: MapConstant c } => $"{Primitives}Add({a.Operand}, {c.Code}, {o});",
            MapBinary { Operator: "-", Left: MapOperand a, Right: MapConstant c } => $"{Primitives}Subtract({a.Operand}, {c.Code}, {o});",
            MapUnary { Function: "neg", Argument: MapOperand a } => $"{Primitives}Negate({a.Operand}, {o});",
            MapUnary { Function: "sigmoid", Argument: MapOperand a } => $"{Primitives}Sigmoid({a.Operand}, {o});",
            MapUnary { Function: "tanh", Argument: MapOperand a } => $"{Primitives}Tanh({a.Operand}, {o});",
            MapUnary { Function: "relu", Argument: MapOperand a } => $"{Primitives}Max({a.Operand}, 0f, {o});",
            _ => null,
        };
    }

    private static string BinaryName(string op) => op switch
    {
        "+" => "Add",
        "-" => "Subtract",
        "*" => "Multiply",
        _ => "Divide",
    };

    private static string Call(KernelCallStep k) =>
        $"{Kernels}{k.Kernel}.{k.Method}(" + string.Join(", ", k.Arguments.Select(a =>
            (a.Name is null ? "" : a.Name + ": ") + (a.Operand?.Name ?? a.Value))) + ");";

    private static void Conv(CodeWriter w, Conv2dStep c)
    {
        string slope = c.Activation == "LeakyRelu" ? ", slope: " + MapConstant.FloatLiteral(c.Slope) : "";
        w.Line($"{Kernels}Conv2d.Forward({c.Geometry.Code}, batch, {c.X}, {c.Weight}, {c.Bias?.Name ?? "default"}, {c.Y}, {Kernels}Activation.{c.Activation}{slope});");
    }

    private static void KlLoss(CodeWriter w, KlLossStep k)
    {
        string mu = k.MuGradient is { } m ? $"withGradient ? {m.Operand} : default" : "default";
        string logVar = k.LogVarGradient is { } l ? $"withGradient ? {l.Operand} : default" : "default";
        string extra = (k.Weight == 1 ? "" : ", weight: " + MapConstant.FloatLiteral(k.Weight))
            + (k.MuGradient is { Accumulate: true } ? ", accumulateMu: true" : "")
            + (k.LogVarGradient is { Accumulate: true } ? ", accumulateLogVar: true" : "");
        w.Line($"float {k.Result} = {Kernels}Losses.KlDivergence({k.Mu}, {k.LogVar}, {mu}, {logVar}, batch, {k.Latent}{extra});");
    }

    private static string Plus(int offset) => offset == 0 ? "" : " + " + offset.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";
}
