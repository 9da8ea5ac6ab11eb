using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Multi-head attention's reshuffles. SplitHeads(x, heads): [T, H·D] → [H, T, D], head h
/// taking columns h·D..(h+1)·D; MergeHeads(x): [H, T, D] → [T, H·D], the inverse. Each is the
/// other's backward.
/// </summary>
internal sealed class HeadsOp(OpKind kind) : OpRule
{
    public override string Name => kind == OpKind.SplitHeads ? "SplitHeads" : "MergeHeads";

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        if (x is null) return null;
        var graph = call.Builder.Graph;
        if (kind == OpKind.SplitHeads)
        {
            var heads = call.Int("heads", 1);
            if (heads is null) return null;
            if (x.Shape.Rank != 2) return Mismatch(call, $"SplitHeads takes tokens × width [T, D], but {x.Name} is {x.Shape}", "x");
            int width = x.Shape.Last;
            if (width % heads.Value != 0)
                return Mismatch(call, $"SplitHeads: {heads} heads do not divide the model width {width}; choose a head count that divides {width} (e.g. {Divisor(width)})", "heads");
            return graph.Add(kind, [x], TensorShape.Of(heads.Value, x.Shape.Dimensions[0], width / heads.Value), call.Location);
        }
        if (x.Shape.Rank != 3) return Mismatch(call, $"MergeHeads takes heads × tokens × head size [H, T, D], but {x.Name} is {x.Shape}", "x");
        return graph.Add(kind, [x], TensorShape.Of(x.Shape.Dimensions[1], x.Shape.Dimensions[0] * x.Shape.Dimensions[2]), call.Location);
    }

    private static int Divisor(int width)
    {
        for (int d = 8; d > 1; d--)
            if (width % d == 0) return d;
        return 1;
    }

    /// <summary>(tokens, heads, head size) of the [T, H·D] side.</summary>
    private static (int Tokens, int Heads, int HeadSize) Geometry(Node node)
    {
        var split = node.Kind == OpKind.SplitHeads ? node.Shape : node.Inputs[0].Shape;
        return (split.Dimensions[1], split.Dimensions[0], split.Dimensions[2]);
    }

    private void Call(PlanBuilder plan, Node node, string method, Operand from, Operand to, bool accumulate, string label, string comment)
    {
        var (tokens, heads, size) = Geometry(node);
        plan.Emit(new CallStep("Permute", method,
            [KernelArg.Batch, KernelArg.Of(tokens), KernelArg.Of(heads), KernelArg.Of(size), KernelArg.In(from), new KernelArg(to, accumulate ? Access.InOut : Access.Out, null), KernelArg.Of(accumulate, "accumulate")])
        {
            SourceNode = node.Id,
            Label = label,
            Comment = [comment],
        });
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        Call(plan, node, Name, plan.Value(x), plan.Value(node), false, Name, $"{Name}: {Describe(node)}");
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        if (plan.GradientOf(x) is not { } dx) return;
        string inverse = kind == OpKind.SplitHeads ? "MergeHeads" : "SplitHeads";
        Call(plan, node, inverse, plan.Gradient(node), dx.Operand, dx.Accumulate, Name + " backward",
            $"{Name} backward: {dx.Operand.Name} {(dx.Accumulate ? "+=" : "=")} {inverse}({plan.Gradient(node).Name})");
    }

    /// <summary>ONNX: SplitHeads = Reshape to [T, H, D] then Transpose to [H, T, D]; MergeHeads the reverse.</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        var x = node.Inputs[0];
        if (kind == OpKind.SplitHeads)
        {
            var (tokens, heads, headSize) = Geometry(node);
            var split = onnx.Reshape(node, x.Name, TensorShape.Of(tokens, heads, headSize), onnx.Temp(node, "split"));
            onnx.Node("Transpose", [split], node.Name, Emit.OnnxEmitter.Ints("perm", 0, 2, 1, 3));
            return;
        }
        var swapped = onnx.Node("Transpose", [x.Name], onnx.Temp(node, "swapped"), Emit.OnnxEmitter.Ints("perm", 0, 2, 1, 3));
        onnx.Reshape(node, swapped, node.Shape, node.Name);
    }

    public override string Describe(Node node) => kind == OpKind.SplitHeads
        ? $"{node.Name}[h, t, d] = {node.Inputs[0].Name}[t, h·{node.Shape.Last} + d]   ({Geometry(node).Heads} heads)"
        : $"{node.Name}[t, h·{node.Inputs[0].Shape.Last} + d] = {node.Inputs[0].Name}[h, t, d]";
}
