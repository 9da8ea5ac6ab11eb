using System.Linq;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Stack(tensors): n tensors of one shape S → [n, S] (an RNN's outputs, one per time step).
/// Backward: each input gets its slice of dy.
/// </summary>
internal sealed class StackOp : OpRule
{
    public override string Name => "Stack";

    public override Node? Build(OpCall call)
    {
        var parts = call.Tensors("tensors");
        if (parts is null) return null;
        if (parts.Count == 0) return Invalid(call, "Stack needs at least one tensor");
        var first = parts[0];
        if (parts.Any(p => p.Shape != first.Shape || p.Shape.IsScalar))
            return Mismatch(call, $"Stack needs tensors of one shape, but receives {string.Join(", ", parts.Select(p => p.Shape).Distinct())}");
        return call.Builder.Graph.Add(OpKind.Stack, parts.ToArray(), TensorShape.Of(new[] { parts.Count }.Concat(first.Shape.Dimensions).ToArray()), call.Location);
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        int size = node.Inputs[0].Shape.Size, width = node.Shape.Size;
        for (int i = 0; i < node.Inputs.Length; i++)
        {
            var part = node.Inputs[i];
            plan.Emit(new ColumnCopyStep(plan.Value(part), size, 0, plan.Value(node), width, i * size, size, Dim.Batch(1), false)
            {
                SourceNode = node.Id,
                Label = "Stack",
                Comment = [$"Stack: {node.Name}[{i}] = {part.Name}"],
            });
        }
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var dy = plan.Gradient(node);
        int size = node.Inputs[0].Shape.Size, width = node.Shape.Size;
        for (int i = 0; i < node.Inputs.Length; i++)
        {
            if (plan.GradientOf(node.Inputs[i]) is not { } dp) continue;
            plan.Emit(new ColumnCopyStep(dy, width, i * size, dp.Operand, size, 0, size, Dim.Batch(1), dp.Accumulate)
            {
                SourceNode = node.Id,
                Label = "Stack backward",
                Comment = [$"Stack backward: {dp.Operand.Name} {(dp.Accumulate ? "+=" : "=")} {dy.Name}[{i}]"],
            });
        }
    }

    /// <summary>ONNX: each part unsqueezed to [1, S...], then Concat on that axis.</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        var axis = onnx.Int64s(node, "axis", 1);
        var parts = node.Inputs.Select(p => onnx.Node("Unsqueeze", [p.Name, axis], onnx.Temp(node, p.Name))).ToArray();
        onnx.Node("Concat", parts, node.Name, Emit.OnnxEmitter.Int("axis", 1));
    }

    public override string Describe(Node node) => $"{node.Name} = [{string.Join(", ", node.Inputs.Select(i => i.Name))}]";
}

/// <summary>
/// Unstack(x): [n, S] → an array of n tensors of shape S (the time steps of a sequence).
/// Element i is x[i]; its backward adds its gradient into slice i of dx, which starts at zero.
/// </summary>
internal sealed class UnstackOp : OpRule
{
    public override string Name => "Unstack";

    public override Node? Build(OpCall call) => null;

    public override Value? BuildValue(OpCall call)
    {
        var x = call.Tensor("x");
        if (x is null) return null;
        if (x.Shape.Rank < 2)
        {
            Mismatch(call, $"Unstack splits the first axis of a tensor of rank 2 or more (a sequence [T, F]), but {x.Name} is {x.Shape}", "x");
            return null;
        }
        int n = x.Shape.Dimensions[0];
        var rest = TensorShape.Of(x.Shape.Dimensions.Skip(1).ToArray());
        var elements = new Value?[n];
        for (int i = 0; i < n; i++)
        {
            var node = call.Builder.Graph.Add(OpKind.Select, [x], rest, call.Location);
            node.Attributes = new SelectAttributes(i);
            call.Builder.Name(node, x.Name + "Step" + i, 0);
            elements[i] = new TensorValue(node);
        }
        return new ArrayValue(elements);
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        int i = node.Get<SelectAttributes>().Index, size = node.Shape.Size;
        plan.Emit(new ColumnCopyStep(plan.Value(x), x.Shape.Size, i * size, plan.Value(node), size, 0, size, Dim.Batch(1), false)
        {
            SourceNode = node.Id,
            Label = "Unstack",
            Comment = [$"Unstack: {node.Name} = {x.Name}[{i}]"],
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        if (plan.PartialGradientOf(x, Dim.Batch(1), x.Shape.Size) is not { } dx) return;
        int i = node.Get<SelectAttributes>().Index, size = node.Shape.Size;
        var dy = plan.Gradient(node);
        plan.Emit(new ColumnCopyStep(dy, size, 0, dx.Operand, x.Shape.Size, i * size, size, Dim.Batch(1), true)
        {
            SourceNode = node.Id,
            Label = "Unstack backward",
            Comment = [$"Unstack backward: {dx.Operand.Name}[{i}] += {dy.Name}"],
        });
    }

    /// <summary>ONNX: Gather of element i on the first per-sample axis, that axis then squeezed away.</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        var index = onnx.Int64s(node, "index", node.Get<SelectAttributes>().Index);
        var gathered = onnx.Node("Gather", [node.Inputs[0].Name, index], onnx.Temp(node, "gathered"), Emit.OnnxEmitter.Int("axis", 1));
        onnx.Node("Squeeze", [gathered, onnx.Int64s(node, "axis", 1)], node.Name);
    }

    public override string Describe(Node node) => $"{node.Name} = {node.Inputs[0].Name}[{node.Get<SelectAttributes>().Index}]";
}

/// <summary>Which element of the unstacked axis a Select node is.</summary>
internal sealed record SelectAttributes(int Index) : OpAttributes;
