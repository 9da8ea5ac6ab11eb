using System.Linq;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Zeros(like, shape): a tensor of zeros of the given per-sample shape, one per sample of
/// <c>like</c> (which only provides the batch): an RNN's initial state, so that every step of
/// the unrolled loop is the same code. It has no inputs to differentiate.
/// </summary>
internal sealed class ZerosOp : OpRule
{
    public override string Name => "Zeros";

    public override Node? Build(OpCall call)
    {
        var like = call.Tensor("like");
        var shape = call.Ints("shape");
        if (like is null || shape is null) return null;
        if (shape.Count == 0 || shape.Any(d => d < 1)) return Invalid(call, $"Zeros needs a positive per-sample shape, not [{string.Join(", ", shape)}]");
        return call.Builder.Graph.Add(OpKind.Zeros, [], TensorShape.Of(shape.ToArray()), call.Location);
    }

    public override void Forward(Node node, PlanBuilder plan) =>
        plan.Emit(new MapStep(plan.Value(node), Map.Const(0), Dim.Batch(1), node.Shape.Size, false)
        {
            SourceNode = node.Id,
            Label = "Zeros",
            Comment = [$"Zeros: {node.Name} {node.Shape} = 0"],
        });

    /// <summary>A constant: no gradient flows anywhere.</summary>
    public override void Backward(Node node, PlanBuilder plan)
    {
    }

    /// <summary>ONNX: ConstantOfShape([batch, shape...]), the batch read from the graph input's shape.</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        var shape = onnx.Node("Shape", [onnx.InputName], onnx.Temp(node, "input_shape"));
        var batch = onnx.Node("Slice", [shape, onnx.Int64s(node, "start", 0), onnx.Int64s(node, "end", 1)], onnx.Temp(node, "batch"));
        var dims = onnx.Int64s(node, "dims", node.Shape.Dimensions.Select(d => (long)d).ToArray());
        var full = onnx.Node("Concat", [batch, dims], onnx.Temp(node, "shape"), Emit.OnnxEmitter.Int("axis", 0));
        onnx.Node("ConstantOfShape", [full], node.Name);
    }

    public override string Describe(Node node) => $"{node.Name} = 0";
}
