using System;
using System.Globalization;
using System.Linq;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

/// <summary>
/// Renders kernel steps as C#: calls into the runtime's kernels, or, for elementwise maps, plain
/// loops on the CPU and generated kernels on a GPU (<see cref="RenderTarget"/>).
/// </summary>
internal sealed partial class StepRenderer(RenderTarget target)
{
    private string Kernels => target.KernelPrefix;
    private string Device => target.DeviceArgument;

    /// <summary>The step's math comment, numbered (with what its channel-blocked branch keeps, where that runs).</summary>
    public void RenderComment(CodeWriter w, KernelStep step, int number)
    {
        for (int i = 0; i < step.Comment.Count; i++)
            w.Comment((i == 0 ? number.ToString(CultureInfo.InvariantCulture) + ". " : "   ") + step.Comment[i]);
        if (step.Fused is not null) w.Comment("   fused: " + step.Fused);
        if (step is ModalStep { BlockedNote: { } note } && !target.IsGpu) w.Comment("   channel blocks: " + note);
    }

    /// <summary>The code of a step, without its comment.</summary>
    public void RenderBody(CodeWriter w, KernelStep step)
    {
        switch (step)
        {
            case GemmStep g: Gemm(w, g); break;
            case MapStep m: MapLoop(w, m); break;
            case RowSumStep r: RowSum(w, r); break;
            case ColumnCopyStep c: ColumnCopy(w, c); break;
            case CallStep c: w.Line(Call(c)); break;
            case ModalStep modal:
                Modal(w, modal);
                break;
            default: throw new InvalidOperationException("No renderer for " + step.GetType().Name);
        }
    }

    /// <summary>
    /// The branches of a modal step: training, observed inference, inference on channel blocks (on
    /// the CPU, where the class's ChannelBlocked says they run; never while observed), inference.
    /// A step that only the channel blocks change runs the same steps in training and inference.
    /// </summary>
    private void Modal(CodeWriter w, ModalStep modal)
    {
        var blocked = target.IsGpu ? null : modal.BlockedInference;
        if (blocked is not null && modal.ObservedInference is null && modal.Training.SequenceEqual(modal.Inference))
        {
            using (w.Block("if (ChannelBlocked && !training && !Observing)"))
                foreach (var inner in blocked) RenderBody(w, inner);
            using (w.Block("else"))
                foreach (var inner in modal.Inference) RenderBody(w, inner);
            return;
        }
        using (w.Block("if (training)"))
            foreach (var inner in modal.Training) RenderBody(w, inner);
        if (modal.ObservedInference is { } observed)
            using (w.Block("else if (Observing)"))
                foreach (var inner in observed) RenderBody(w, inner);
        if (blocked is not null)
            using (w.Block(modal.ObservedInference is null ? "else if (ChannelBlocked && !Observing)" : "else if (ChannelBlocked)"))
                foreach (var inner in blocked) RenderBody(w, inner);
        using (w.Block("else"))
            foreach (var inner in modal.Inference) RenderBody(w, inner);
    }

    private void Gemm(CodeWriter w, GemmStep g)
    {
        string method = (g.TransposeA, g.TransposeB) switch
        {
            (false, false) => "Multiply",
            (false, true) => "MultiplyTransposedB",
            (true, false) => "MultiplyTransposedA",
            _ => throw new InvalidOperationException("A·Bᵀ with both transposed is not emitted"),
        };
        string call = $"{Kernels}Gemm.{method}({Device}{g.A}, {g.B}, {g.C}, {g.M.Code}, {g.N.Code}, {g.K.Code}";
        if (g.Activation is { IsBackward: true } backward)
            w.Line($"{call}, {backward.Code}, derivativeSource: {backward.DerivativeSource});");
        else if (g.Activation is { } forward)
            w.Line($"{call}, bias: {(g.Bias is null ? "default" : g.Bias.Name)}, {forward.Code}"
                + (g.SavedDerivative is null ? "" : $", derivative: {g.SavedDerivative}") + ");");
        else if (g.Bias is not null)
            w.Line($"{call}, bias: {g.Bias});");
        else
            w.Line(call + (g.Accumulate ? ", accumulate: true" : "") + ");");
    }

    private void MapLoop(CodeWriter w, MapStep m)
    {
        if ((target.IsGpu ? DeviceCall(m) : PrimitiveCall(m)) is { } call)
        {
            w.Line(call);
            return;
        }
        if (target.IsGpu)
        {
            MapKernel(w, m);
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

    private void RowSum(CodeWriter w, RowSumStep r)
    {
        if (target.IsGpu)
        {
            RowSumKernel(w, r);
            return;
        }
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

    private void ColumnCopy(CodeWriter w, ColumnCopyStep c)
    {
        if (target.IsGpu)
        {
            ColumnCopyKernel(w, c);
            return;
        }
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

    /// <summary>
    /// A map that is one of the runtime's elementwise primitives (a ± b, a ⊙ b, c·a, o += a...:
    /// System.Numerics.Tensors' SIMD code, on contiguous ranges over the worker pool when large)
    /// becomes a single call, an activation left unfused the runtime's activation kernel;
    /// anything else is written as a plain loop. Operands and output views all hold exactly the
    /// map's elements.
    /// </summary>
    private string? PrimitiveCall(MapStep m)
    {
        if (m.Activation is { } act)
        {
            // An activation left unfused (its input is needed later): the vectorised runtime kernel.
            return act.Use.IsBackward
                ? $"{Kernels}Activations.Backward({act.Use.Code}, {act.Use.DerivativeSource}, {act.Input}, {m.Output}, accumulate: {Bool(m.Accumulate)});"
                : $"{Kernels}Activations.Forward({act.Use.Code}, {act.Input}, {m.Output});";
        }
        if (MapStep.MapOperands(m.Expression).Any(o => o.Broadcast != Broadcast.Elementwise)) return null;
        string o = m.Output.Name, map = Kernels + "Elementwise.";
        if (m.Accumulate)
        {
            return m.Expression switch
            {
                MapOperand a => $"{map}Accumulate({a.Operand}, {o});",
                MapBinary { Operator: "*", Left: MapOperand a, Right: MapOperand b } => $"{map}MultiplyAdd({a.Operand}, {b.Operand}, {o});",
                MapBinary { Operator: "*", Left: MapConstant c, Right: MapOperand a } => $"{map}ScaleAdd({a.Operand}, {c.Code}, {o});",
                MapUnary { Function: "neg", Argument: MapOperand a } => $"{map}Subtract({o}, {a.Operand}, {o});",
                _ => null,
            };
        }
        return m.Expression switch
        {
            MapConstant { Value: 0 } => $"{o}.Clear();",
            MapOperand a => $"{a.Operand}.CopyTo({o});",
            MapBinary { Left: MapOperand a, Right: MapOperand b } bin => $"{map}{BinaryName(bin.Operator)}({a.Operand}, {b.Operand}, {o});",
            MapBinary { Operator: "*", Left: MapConstant c, Right: MapOperand a } => $"{map}Scale({a.Operand}, {c.Code}, {o});",
            MapBinary { Operator: "+", Left: MapOperand a, Right: MapConstant c } => $"{map}AddScalar({a.Operand}, {c.Code}, {o});",
            MapBinary { Operator: "-", Left: MapOperand a, Right: MapConstant c } => $"{map}SubtractScalar({a.Operand}, {c.Code}, {o});",
            MapUnary { Function: "neg", Argument: MapOperand a } => $"{map}Negate({a.Operand}, {o});",
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

    /// <summary>
    /// Kernels.Kernel.Method(arguments[, activation[, its derivative source]]), with the result stored
    /// when the kernel returns one: in a local on the CPU, in its device slot on a GPU.
    /// </summary>
    private string Call(CallStep k)
    {
        var arguments = k.Arguments.Select(Argument).ToList();
        if (k.Activation is { } activation)
        {
            arguments.Add(activation.Code);
            if (activation.DerivativeSource is { } source) arguments.Add(source.Name);
        }
        if (k.Result is not null && target.IsGpu) arguments.Add($"result: LossTerm({k.Result.Substring("term".Length)})");
        string call = $"{Kernels}{k.Kernel}.{k.Method}({Device}" + string.Join(", ", arguments) + ");";
        return k.Result is null || target.IsGpu ? call : $"float {k.Result} = {call}";
    }

    private static string Argument(KernelArg a)
    {
        string value = a.Operand is { } operand
            ? (a.OnlyWithGradient ? $"withGradient ? {operand.Name} : default" : operand.Name)
            : a.Value!;
        return (a.Name is null ? "" : a.Name + ": ") + value;
    }

    private static string Plus(int offset) => offset == 0 ? "" : " + " + offset.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";
}
