using System;
using System.Collections.Generic;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Attention as composite ops: the generator expands them into the primitive ops they are made
/// of (MatMul, scale, Softmax, MatMul; and for multi-head attention the projections and head
/// reshuffles), so the graph, the generated code and the gradients are those of the primitives.
///   ScaledDotProductAttention(q, k, v, causal) = softmax(q·kᵀ/√d, causal) · v
///   MultiHeadAttention(x, heads, name, causal)  = W_o · merge(attention(split(W_q x), split(W_k x), split(W_v x)))
/// </summary>
internal abstract class CompositeOp : OpRule
{
    /// <summary>Builds a primitive op as if the user had called it at the same place.</summary>
    protected static Node? Primitive(OpCall call, string op, params (string Parameter, Value Value)[] arguments)
    {
        var list = new List<(string, Value, Diagnostics.LocationInfo)>();
        foreach (var (parameter, value) in arguments) list.Add((parameter, value, call.Location));
        return OpCatalog.TryGet(op, out var rule) ? rule.Build(new OpCall(call.Builder, op, call.Location, list)) : null;
    }

    protected static Value T(Node node) => new TensorValue(node);

    protected static Node? Attention(OpCall call, Node q, Node k, Node v, bool causal)
    {
        if (q.Shape.Rank < 2) return Mismatch(call, $"Attention needs queries [.., T, d], but receives {q.Shape}");
        var scores = Primitive(call, "MatMul", ("a", T(q)), ("b", T(k)), ("transposeA", new BoolValue(false)), ("transposeB", new BoolValue(true)));
        if (scores is null) return null;
        double scale = 1 / Math.Sqrt(q.Shape.Last);
        if (ArithmeticOp.Affine(call.Builder, scores, scale, 0, call.Location) is not TensorValue scaled) return null;
        var weights = Primitive(call, "Softmax", ("x", scaled), ("causal", new BoolValue(causal)));
        return weights is null ? null : Primitive(call, "MatMul", ("a", T(weights)), ("b", T(v)), ("transposeA", new BoolValue(false)), ("transposeB", new BoolValue(false)));
    }

    public override void Forward(Node node, PlanBuilder plan) => throw new InvalidOperationException($"{Name} is expanded into primitive ops when the graph is built.");

    public override void Backward(Node node, PlanBuilder plan) => throw new InvalidOperationException($"{Name} is expanded into primitive ops when the graph is built.");

    public override string Describe(Node node) => Name;
}

internal sealed class ScaledDotProductAttentionOp : CompositeOp
{
    public override string Name => "ScaledDotProductAttention";

    public override Node? Build(OpCall call)
    {
        var q = call.Tensor("query");
        var k = call.Tensor("key");
        var v = call.Tensor("value");
        var causal = call.Bool("causal");
        if (q is null || k is null || v is null || causal is null) return null;
        return Attention(call, q, k, v, causal.Value);
    }
}

internal sealed class MultiHeadAttentionOp : CompositeOp
{
    public override string Name => "MultiHeadAttention";

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        var heads = call.Int("heads", 1);
        var name = call.String("name");
        var causal = call.Bool("causal");
        if (x is null || heads is null || name is null || causal is null) return null;
        if (x.Shape.Rank != 2) return Mismatch(call, $"MultiHeadAttention takes tokens × width [T, D], but {x.Name} is {x.Shape}", "x");
        int width = x.Shape.Last;
        Node? Project(Node input, string suffix) =>
            Primitive(call, "Dense", ("x", T(input)), ("units", new NumberValue(width, true)), ("name", new StringValue(name + "." + suffix)),
                ("bias", new BoolValue(true)), ("init", new NumberValue(0, true)), ("share", new BoolValue(false)));
        Node? Split(Node? input) => input is null ? null : Primitive(call, "SplitHeads", ("x", T(input)), ("heads", new NumberValue(heads.Value, true)));
        var q = Split(Project(x, "query"));
        var k = Split(Project(x, "key"));
        var v = Split(Project(x, "value"));
        if (q is null || k is null || v is null) return null;
        var attended = Attention(call, q, k, v, causal.Value);
        if (attended is null) return null;
        var merged = Primitive(call, "MergeHeads", ("x", T(attended)));
        return merged is null ? null : Project(merged, "proj");
    }
}
