using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Sum or mean of each sample's values, giving a per-sample [1]:
/// forward y = s·Σ_i x_i (s = 1, or 1/n for the mean); backward dx_i = s·dy (a broadcast).
/// </summary>
internal sealed class ReduceOp(OpKind kind) : OpRule
{
    public override string Name => kind == OpKind.Sum ? "Sum" : "Mean";

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        if (x is null) return null;
        if (x.Shape.IsScalar)
        {
            call.Builder.Report(DiagnosticDescriptors.ShapeMismatch, call.LocationOf("x"), $"{Name} reduces each sample's values, but it receives a scalar loss");
            return null;
        }
        var node = call.Builder.Graph.Add(kind, [x], TensorShape.Of(1), call.Location);
        return node;
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        plan.Emit(new RowSumStep(Map.Of(plan.Value(x)), plan.Value(node), Dim.Batch(1), x.Shape.Size, Scale(node), false)
        {
            SourceNode = node.Id,
            Label = Name,
            Comment = [$"{Name}: {Describe(node)}"],
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        if (plan.GradientOf(x) is not { } dx) return;
        var dy = plan.Gradient(node);
        plan.Emit(new MapStep(dx.Operand, Map.Affine(Map.PerRow(dy), Scale(node), 0), Dim.Batch(1), x.Shape.Size, dx.Accumulate)
        {
            SourceNode = node.Id,
            Label = Name + " backward",
            Comment = [$"{Name} backward: every {dx.Operand.Name}[r, i] {(dx.Accumulate ? "+=" : "=")} {(kind == OpKind.Sum ? "" : "(1/" + x.Shape.Size + ")·")}{dy.Name}[r]   (the gradient of a sum is copied to each term)"],
        });
    }

    /// <summary>1 for the sum, 1/n for the mean of n values.</summary>
    private double Scale(Node node) => kind == OpKind.Sum ? 1.0 : 1.0 / node.Inputs[0].Shape.Size;

    /// <summary>ONNX: the sample flattened, then ReduceSum or ReduceMean over it, kept as [1].</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        var flat = onnx.Node("Flatten", [node.Inputs[0].Name], onnx.Temp(node, "flat"), Emit.OnnxEmitter.Int("axis", 1));
        if (kind == OpKind.Sum) onnx.Node("ReduceSum", [flat, onnx.Int64s(node, "axes", 1)], node.Name, Emit.OnnxEmitter.Int("keepdims", 1));
        else onnx.Node("ReduceMean", [flat], node.Name, Emit.OnnxEmitter.Ints("axes", 1), Emit.OnnxEmitter.Int("keepdims", 1));
    }

    public override string Describe(Node node) =>
        $"{node.Name} = {(kind == OpKind.Sum ? "Σ_i " : "(1/" + node.Inputs[0].Shape.Size + ")·Σ_i ")}{node.Inputs[0].Name}_i";
}
