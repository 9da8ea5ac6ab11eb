using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Transpose(x): swaps the last two axes, y[..., j, i] = x[..., i, j]. Backward is the same
/// swap applied to dy.
/// </summary>
internal sealed class TransposeOp : OpRule
{
    public override string Name => "Transpose";

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        if (x is null) return null;
        if (x.Shape.Rank < 2) return Mismatch(call, $"Transpose swaps the last two axes, so it needs a per-sample shape of rank 2 or more, but {x.Name} is {x.Shape}", "x");
        var dims = x.Shape.Dimensions.ToArray();
        (dims[dims.Length - 1], dims[dims.Length - 2]) = (dims[dims.Length - 2], dims[dims.Length - 1]);
        return call.Builder.Graph.Add(OpKind.Transpose, [x], TensorShape.Of(dims), call.Location);
    }

    private static (Dim Count, int Rows, int Columns) Geometry(Node input)
    {
        int rows = input.Shape.Dimensions[input.Shape.Rank - 2], columns = input.Shape.Last;
        return (Dim.Batch(input.Shape.Size / (rows * columns)), rows, columns);
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        var (count, rows, columns) = Geometry(x);
        plan.Emit(new CallStep("Permute", "SwapLastTwo",
            [KernelArg.Of(count), KernelArg.Of(rows), KernelArg.Of(columns), KernelArg.In(plan.Value(x)), KernelArg.Out(plan.Value(node)), KernelArg.Of(false, "accumulate")])
        {
            SourceNode = node.Id,
            Label = "Transpose",
            Comment = [$"Transpose: {node.Name}[..., j, i] = {x.Name}[..., i, j]"],
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        if (plan.GradientOf(x) is not { } dx) return;
        var (count, rows, columns) = Geometry(x);
        var dy = plan.Gradient(node);
        plan.Emit(new CallStep("Permute", "SwapLastTwo",
            [KernelArg.Of(count), KernelArg.Of(columns), KernelArg.Of(rows), KernelArg.In(dy), KernelArg.Gradient(dx), KernelArg.Of(dx.Accumulate, "accumulate")])
        {
            SourceNode = node.Id,
            Label = "Transpose backward",
            Comment = [$"Transpose backward: {dx.Operand.Name} {(dx.Accumulate ? "+=" : "=")} {dy.Name} with its last two axes swapped back"],
        });
    }

    /// <summary>ONNX: Transpose of the last two axes.</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx) =>
        onnx.Node("Transpose", [node.Inputs[0].Name], node.Name, Emit.OnnxEmitter.Ints("perm", Emit.OnnxEmitter.SwapLastTwo(node.Shape.Rank + 1)));

    public override string Describe(Node node) => $"{node.Name} = {node.Inputs[0].Name}ᵀ (last two axes)";
}
