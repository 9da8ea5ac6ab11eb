using System.Linq;
using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Concatenation along the last axis: y = [a | b | ...]. Backward splits dy into the same
/// column ranges: da = dy[:, 0:wa], db = dy[:, wa:wa+wb], ...
/// </summary>
internal sealed class ConcatOp : OpRule
{
    public override string Name => "Concat";

    public override Node? Build(OpCall call)
    {
        var parts = call.Tensors("tensors");
        if (parts is null) return null;
        var builder = call.Builder;
        if (parts.Count < 2)
        {
            builder.Report(DiagnosticDescriptors.InvalidArgument, call.Location, "Concat needs at least two tensors");
            return null;
        }
        var first = parts[0];
        foreach (var part in parts)
        {
            if (part.Shape.IsScalar || part.Shape.Rank != first.Shape.Rank
                || !part.Shape.Dimensions.Take(part.Shape.Rank - 1).SequenceEqual(first.Shape.Dimensions.Take(first.Shape.Rank - 1)))
            {
                builder.Report(DiagnosticDescriptors.ShapeMismatch, call.Location,
                    $"Concat joins tensors along the last axis, so all other axes must agree, but it receives {string.Join(" and ", parts.Select(p => p.Shape))}");
                return null;
            }
        }
        // The joined axis may exceed an int: check the size before making the shape.
        long last = parts.Sum(p => (long)p.Shape.Last), size = last * (first.Shape.Elements / first.Shape.Last);
        if (size > NetworkLimits.MaxFloats)
            throw new NetworkLimitException(
                $"This Concat would make a tensor of [{string.Join(", ", first.Shape.Dimensions.Take(first.Shape.Rank - 1).Select(d => (long)d).Concat([last]))}] = " +
                $"{NetworkLimits.Count(size)} floats per sample, more than {NetworkLimits.FloatsLimitText}; use smaller sizes");
        return builder.Graph.Add(OpKind.Concat, parts.ToArray(), first.Shape.WithLast((int)last), call.Location);
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        int offset = 0, width = node.Shape.Last;
        foreach (var part in node.Inputs)
        {
            int w = part.Shape.Last;
            plan.Emit(new ColumnCopyStep(plan.Value(part), w, 0, plan.Value(node), width, offset, w, PlanBuilder.Rows(node), false)
            {
                SourceNode = node.Id,
                Label = "Concat",
                Comment = [$"Concat: {node.Name}[:, {offset}:{offset + w}] = {part.Name}"],
            });
            offset += w;
        }
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var dy = plan.Gradient(node);
        int offset = 0, width = node.Shape.Last;
        foreach (var part in node.Inputs)
        {
            int w = part.Shape.Last;
            if (plan.GradientOf(part) is { } dp)
            {
                plan.Emit(new ColumnCopyStep(dy, width, offset, dp.Operand, w, 0, w, PlanBuilder.Rows(node), dp.Accumulate)
                {
                    SourceNode = node.Id,
                    Label = "Concat backward",
                    Comment = [$"Concat backward: {dp.Operand.Name} {(dp.Accumulate ? "+=" : "=")} {dy.Name}[:, {offset}:{offset + w}]"],
                });
            }
            offset += w;
        }
    }

    /// <summary>ONNX: Concat on the last axis.</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx) =>
        onnx.Node("Concat", node.Inputs.Select(i => i.Name).ToArray(), node.Name, Emit.OnnxEmitter.Int("axis", -1));

    public override string Describe(Node node) => $"{node.Name} = [{string.Join(" | ", node.Inputs.Select(i => i.Name))}]";
}
