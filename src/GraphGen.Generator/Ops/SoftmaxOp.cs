using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Softmax over the last axis: y_j = e^(x_j − m) / Σ_k e^(x_k − m), m = max_k x_k.
/// Backward (Jacobian-vector product): dx_j = y_j · (dy_j − Σ_k dy_k·y_k).
/// </summary>
internal sealed class SoftmaxOp : OpRule
{
    public override string Name => "Softmax";

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        var causal = call.Bool("causal");
        if (x is null || causal is null) return null;
        if (x.Shape.IsScalar)
        {
            call.Builder.Report(DiagnosticDescriptors.ShapeMismatch, call.LocationOf("x"), "Softmax needs a tensor but receives a scalar loss");
            return null;
        }
        if (causal.Value && (x.Shape.Rank < 2 || x.Shape.Dimensions[x.Shape.Rank - 2] != x.Shape.Last))
            return Mismatch(call, $"A causal Softmax masks the scores of future tokens, so it needs square [.., T, T] scores, but {x.Name} is {x.Shape}", "x");
        var node = call.Builder.Graph.Add(OpKind.Softmax, [x], x.Shape, call.Location);
        node.Attributes = new SoftmaxAttributes(causal.Value);
        return node;
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        if (node.Get<SoftmaxAttributes>().Causal)
        {
            int t = node.Shape.Last;
            plan.Emit(new CallStep("CausalSoftmax", "Forward",
                [KernelArg.Of(Dim.Batch(node.Shape.Size / (t * t))), KernelArg.Of(t), KernelArg.In(plan.Value(x)), KernelArg.Out(plan.Value(node))])
            {
                SourceNode = node.Id,
                Label = "CausalSoftmax",
                Comment =
                [
                    $"Causal softmax: row i of each [{t}, {t}] block is a softmax over columns j ≤ i only; later tokens get exactly 0",
                    $"  ({Describe(node)}, with x_j = −∞ for j > i)",
                ],
            });
            return;
        }
        plan.Emit(new CallStep("Softmax", "Forward",
            [KernelArg.In(plan.Value(x)), KernelArg.Out(plan.Value(node)), KernelArg.Of(PlanBuilder.Rows(node)), KernelArg.Of(node.Shape.Last)])
        {
            SourceNode = node.Id,
            Label = "Softmax",
            Comment =
            [
                $"Softmax: {Describe(node)}",
                "  (subtracting the row maximum m keeps e^x from overflowing; it cancels in the ratio)",
            ],
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        if (plan.GradientOf(x) is not { } dx) return;
        var dy = plan.Gradient(node);
        if (node.Get<SoftmaxAttributes>().Causal)
        {
            int t = node.Shape.Last;
            plan.Emit(new CallStep("CausalSoftmax", "Backward",
                [KernelArg.Of(Dim.Batch(node.Shape.Size / (t * t))), KernelArg.Of(t), KernelArg.In(plan.Value(node)), KernelArg.In(dy), KernelArg.Gradient(dx), KernelArg.Of(dx.Accumulate, "accumulate")])
            {
                SourceNode = node.Id,
                Label = "CausalSoftmax backward",
                Comment = [$"Causal softmax backward: {dx.Operand.Name}_j {(dx.Accumulate ? "+=" : "=")} {node.Name}_j · ({dy.Name}_j − Σ_k {dy.Name}_k · {node.Name}_k)   (masked entries have {node.Name} = 0, so no gradient)"],
            });
            return;
        }
        plan.Emit(new CallStep("Softmax", "Backward",
            [KernelArg.In(plan.Value(node)), KernelArg.In(dy), KernelArg.Gradient(dx), KernelArg.Of(PlanBuilder.Rows(node)), KernelArg.Of(node.Shape.Last), KernelArg.Of(dx.Accumulate, "accumulate")])
        {
            SourceNode = node.Id,
            Label = "Softmax backward",
            Comment = [$"Softmax backward: {dx.Operand.Name}_j {(dx.Accumulate ? "+=" : "=")} {node.Name}_j · ({dy.Name}_j − Σ_k {dy.Name}_k · {node.Name}_k)"],
        });
    }

    /// <summary>ONNX: Softmax on the last axis; causal: −∞ added above the diagonal first (e^(−∞) is exactly 0, as here).</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        string x = node.Inputs[0].Name;
        if (node.Get<SoftmaxAttributes>().Causal)
            x = onnx.Node("Add", [x, onnx.CausalMask(node, node.Shape.Last)], onnx.Temp(node, "masked"));
        onnx.Node("Softmax", [x], node.Name, Emit.OnnxEmitter.Int("axis", -1));
    }

    public override string Describe(Node node) =>
        $"{node.Name}_j = e^({node.Inputs[0].Name}_j − m) / Σ_k e^({node.Inputs[0].Name}_k − m), m = max_k {node.Inputs[0].Name}_k";
}

/// <summary>Whether the softmax masks future tokens (causal attention scores).</summary>
internal sealed record SoftmaxAttributes(bool Causal) : OpAttributes;
