using System.Linq;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Flatten(x) → [size] and Reshape(x, dims) → dims: the same values in the same order, seen
/// with another per-sample shape. Forward y = x; backward dx = dy.
/// </summary>
internal sealed class ReshapeOp(OpKind kind) : OpRule
{
    public override string Name => kind == OpKind.Flatten ? "Flatten" : "Reshape";

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        if (x is null) return null;
        if (x.Shape.IsScalar) return Mismatch(call, $"{Name} needs a tensor but receives a scalar loss", "x");
        TensorShape shape;
        if (kind == OpKind.Flatten)
            shape = TensorShape.Of(x.Shape.Size);
        else
        {
            var dims = call.Ints("shape");
            if (dims is null) return null;
            if (dims.Count == 0 || dims.Any(d => d < 1)) return Invalid(call, $"Reshape needs positive dimensions, not [{string.Join(", ", dims)}]");
            shape = TensorShape.Of(dims.ToArray());
            if (shape.Elements != x.Shape.Elements)
                return Mismatch(call, $"Reshape cannot turn {x.Name} {x.Shape} ({x.Shape.Size} values per sample) into {shape} ({NetworkLimits.Count(shape.Elements).Replace(",", "")} values)");
        }
        return call.Builder.Graph.Add(kind, [x], shape, call.Location);
    }

    public override void Forward(Node node, PlanBuilder plan) =>
        plan.Emit(new MapStep(plan.Value(node), Map.Of(plan.Value(node.Inputs[0])), Dim.Batch(1), node.Shape.Size, false)
        {
            SourceNode = node.Id,
            Label = Name,
            Comment = [$"{Name}: {Describe(node)} (the same values, another shape)"],
        });

    public override void Backward(Node node, PlanBuilder plan)
    {
        if (plan.GradientOf(node.Inputs[0]) is not { } dx) return;
        plan.Emit(new MapStep(dx.Operand, Map.Of(plan.Gradient(node)), Dim.Batch(1), node.Shape.Size, dx.Accumulate)
        {
            SourceNode = node.Id,
            Label = Name + " backward",
            Comment = [$"{Name} backward: {dx.Operand.Name} {(dx.Accumulate ? "+=" : "=")} {plan.Gradient(node).Name} seen as {node.Inputs[0].Shape}"],
        });
    }

    /// <summary>ONNX: Reshape to [batch, shape...].</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx) => onnx.Reshape(node, node.Inputs[0].Name, node.Shape, node.Name);

    public override string Describe(Node node) => $"{node.Name} {node.Shape} = {node.Inputs[0].Name} {node.Inputs[0].Shape}";
}
