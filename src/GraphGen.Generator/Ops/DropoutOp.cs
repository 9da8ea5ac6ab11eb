using System.Globalization;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Dropout(x, p): in training, each value is kept with probability 1 − p and scaled by 1/(1 − p)
/// (inverted dropout), so inference is the identity. The mask m is drawn from the network's
/// seed, this op's stream and the training step: the same seed gives the same masks.
/// Backward: dx = dy ⊙ m.
/// </summary>
internal sealed class DropoutOp : OpRule
{
    public override string Name => "Dropout";

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        var p = call.Float("p");
        if (x is null || p is null) return null;
        if (x.Shape.IsScalar) return Mismatch(call, "Dropout needs a tensor but receives a scalar loss", "x");
        if (!(p >= 0 && p < 1)) return Invalid(call, $"Dropout: p is the probability of dropping a value and must be in [0, 1), not {p.Value.ToString(CultureInfo.InvariantCulture)}", "p");
        var graph = call.Builder.Graph;
        var node = graph.Add(OpKind.Dropout, [x], x.Shape, call.Location);
        node.Attributes = new DropoutAttributes(p.Value);
        node.Stream = graph.StochasticOps++;
        return node;
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var x = plan.Value(node.Inputs[0]);
        var y = plan.Value(node);
        var mask = plan.Saved(node, "Mask", node.Shape.Size);
        string p = MapConstant.FloatLiteral(node.Get<DropoutAttributes>().P);
        plan.Emit(new ModalStep(
            [
                new CallStep("Dropout", "Forward",
                    [KernelArg.In(x), KernelArg.Out(y), KernelArg.Out(mask), KernelArg.Code(p),
                     KernelArg.StreamSeed(node.Stream), KernelArg.Code("(ulong)TrainingSteps")]),
            ],
            [new MapStep(y, Map.Of(x), Dim.Batch(1), node.Shape.Size, false)])
        {
            SourceNode = node.Id,
            Label = "Dropout",
            Comment =
            [
                $"Dropout: in training {node.Name} = {node.Inputs[0].Name} ⊙ m, m = 0 with probability {p.TrimEnd('f')}, else 1/(1 − {p.TrimEnd('f')}); in inference {node.Name} = {node.Inputs[0].Name}",
                $"  m is drawn from (seed, stream {node.Stream}, training step) and kept in {mask.Name}",
            ],
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        if (plan.GradientOf(node.Inputs[0]) is not { } dx) return;
        var dy = plan.Gradient(node);
        var mask = plan.FindSaved(node, "Mask");
        plan.Emit(new CallStep("Dropout", "Backward",
            [KernelArg.In(dy), KernelArg.In(mask), KernelArg.Gradient(dx), KernelArg.Of(dx.Accumulate, "accumulate")])
        {
            SourceNode = node.Id,
            Label = "Dropout backward",
            Comment = [$"Dropout backward: {dx.Operand.Name} {(dx.Accumulate ? "+=" : "=")} {dy.Name} ⊙ {mask.Name}   (dropped values pass no gradient)"],
        });
    }

    /// <summary>ONNX: Identity (no dropout at inference).</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx) => onnx.Node("Identity", [node.Inputs[0].Name], node.Name);

    public override string Describe(Node node) => $"{node.Name} = {node.Inputs[0].Name} ⊙ mask (p = {node.Get<DropoutAttributes>().P.ToString("G3", CultureInfo.InvariantCulture)})";
}

/// <summary>The probability of dropping a value.</summary>
internal sealed record DropoutAttributes(double P) : OpAttributes;
