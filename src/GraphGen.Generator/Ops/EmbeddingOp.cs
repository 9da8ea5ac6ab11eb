using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Embedding(ids, vocabulary, dimension, name): row lookup in a learned table W [V, D] (torch.nn.Embedding),
/// y[t] = W[ids[t]]. Token ids arrive as floats holding integers. Backward scatters:
/// dW[ids[t]] += dy[t]; ids get no gradient.
/// </summary>
internal sealed class EmbeddingOp : OpRule
{
    public override string Name => "Embedding";

    public override Node? Build(OpCall call)
    {
        var ids = call.Tensor("ids");
        var vocabulary = call.Int("vocabulary", 1);
        var dimension = call.Int("dimension", 1);
        var name = call.String("name");
        var share = call.Bool("share");
        if (ids is null || vocabulary is null || dimension is null || name is null || share is null) return null;
        if (ids.Shape.Rank != 1) return Mismatch(call, $"Embedding takes a sequence of token ids [T], but {ids.Name} is {ids.Shape}", "ids");
        string signature = $"Embedding [{vocabulary}, {dimension}]";
        var layer = LayerRegistry.Resolve(call, name, share.Value, signature, () =>
            new Layer(name, "Embedding", [new GraphParameter(name + ".weight", [vocabulary.Value, dimension.Value], "SmallUniform", dimension.Value, vocabulary.Value)],
                [], signature, call.CallSite, call.Location));
        if (layer is null) return null;
        var node = call.Builder.Graph.Add(OpKind.Embedding, [ids], TensorShape.Of(ids.Shape.Size, dimension.Value), call.Location);
        node.Layer = layer;
        call.Builder.Name(node, name, 1);
        return node;
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var table = plan.Parameter(node.Layer!.Weight);
        var ids = plan.Value(node.Inputs[0]);
        plan.Emit(new CallStep("Embedding", "Forward",
            [KernelArg.In(ids), KernelArg.In(table), KernelArg.Out(plan.Value(node)), KernelArg.Of(node.Layer.Weight.Shape[0]), KernelArg.Of(node.Shape.Last)])
        {
            SourceNode = node.Id,
            Label = "Embedding " + node.Layer.Name,
            Comment = [$"Embedding \"{node.Layer.Name}\": {Describe(node)}   (W = {node.Layer.Weight.Name} {node.Layer.Weight.ShapeText})"],
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var dW = plan.ParameterGradient(node.Layer!.Weight);
        var ids = plan.Value(node.Inputs[0]);
        var dy = plan.Gradient(node);
        plan.Emit(new CallStep("Embedding", "Backward",
            [KernelArg.In(ids), KernelArg.In(dy), KernelArg.Gradient(dW), KernelArg.Of(node.Layer.Weight.Shape[0]), KernelArg.Of(node.Shape.Last), KernelArg.Of(dW.Accumulate, "accumulate")])
        {
            SourceNode = node.Id,
            Label = "Embedding backward",
            Comment = [$"Embedding backward: dW[{node.Inputs[0].Name}[t]] += {dy.Name}[t]   (only the rows of the tokens seen get a gradient)"],
        });
    }

    /// <summary>ONNX: the ids (floats here) flattened per sample, cast to int64, then Gather from the table.</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        var ids = node.Inputs[0];
        string flat = ids.Shape.Rank == 1 ? ids.Name : onnx.Reshape(node, ids.Name, TensorShape.Of(ids.Shape.Size), onnx.Temp(node, "ids"));
        var indices = onnx.Node("Cast", [flat], onnx.Temp(node, "indices"), Emit.OnnxEmitter.Int("to", 7));   // 7: INT64
        onnx.Node("Gather", [node.Layer!.Weight.Name, indices], node.Name, Emit.OnnxEmitter.Int("axis", 0));
    }

    public override string Describe(Node node) => $"{node.Name}[t] = W[{node.Inputs[0].Name}[t]]";
}

/// <summary>
/// PositionalEmbedding(x, name): adds a learned position vector to each token, y[t] = x[t] + P[t],
/// P [T, D]. Backward: dx = dy; dP = Σ over the batch of dy.
/// </summary>
internal sealed class PositionalEmbeddingOp : OpRule
{
    public override string Name => "PositionalEmbedding";

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        var name = call.String("name");
        var share = call.Bool("share");
        if (x is null || name is null || share is null) return null;
        if (x.Shape.Rank != 2) return Mismatch(call, $"PositionalEmbedding takes tokens × width [T, D], but {x.Name} is {x.Shape}", "x");
        int tokens = x.Shape.Dimensions[0], width = x.Shape.Last;
        string signature = $"PositionalEmbedding [{tokens}, {width}]";
        var layer = LayerRegistry.Resolve(call, name, share.Value, signature, () =>
            new Layer(name, "PositionalEmbedding", [new GraphParameter(name + ".weight", [tokens, width], "SmallUniform", width, tokens)], [], signature, call.CallSite, call.Location));
        if (layer is null) return null;
        var node = call.Builder.Graph.Add(OpKind.PositionalEmbedding, [x], x.Shape, call.Location);
        node.Layer = layer;
        return node;
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var positions = plan.Parameter(node.Layer!.Weight);
        plan.Emit(new MapStep(plan.Value(node), Map.Add(Map.Of(plan.Value(node.Inputs[0])), Map.PerColumn(positions)), Dim.Batch(1), node.Shape.Size, false)
        {
            SourceNode = node.Id,
            Label = "PositionalEmbedding",
            Comment = [$"PositionalEmbedding \"{node.Layer.Name}\": {Describe(node)}   (P = {node.Layer.Weight.Name} {node.Layer.Weight.ShapeText}, the same for every sample)"],
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var dy = plan.Gradient(node);
        var dP = plan.ParameterGradient(node.Layer!.Weight);
        plan.Emit(new CallStep("Bias", "SumRows", [KernelArg.In(dy), KernelArg.Gradient(dP), KernelArg.Of(Dim.Batch(1)), KernelArg.Of(node.Shape.Size), KernelArg.Of(dP.Accumulate, "accumulate")])
        {
            SourceNode = node.Id,
            Label = "PositionalEmbedding dP",
            Comment = [$"PositionalEmbedding backward: dP {(dP.Accumulate ? "+=" : "=")} Σ_b {dy.Name}[b]   (P is added to every sample)"],
        });
        if (plan.GradientOf(node.Inputs[0]) is { } dx)
            plan.Emit(new MapStep(dx.Operand, Map.Of(dy), Dim.Batch(1), node.Shape.Size, dx.Accumulate)
            {
                SourceNode = node.Id,
                Label = "PositionalEmbedding dx",
                Comment = [$"PositionalEmbedding backward: {dx.Operand.Name} {(dx.Accumulate ? "+=" : "=")} {dy.Name}"],
            });
    }

    /// <summary>ONNX: Add of P [T, D], which broadcasts over the batch.</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx) =>
        onnx.Node("Add", [node.Inputs[0].Name, node.Layer!.Weight.Name], node.Name);

    public override string Describe(Node node) => $"{node.Name}[t] = {node.Inputs[0].Name}[t] + P[t]";
}
