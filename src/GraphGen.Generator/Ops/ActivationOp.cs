using System;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// The elementwise activations, one row each: forward y = f(x) and the backward rule
/// dx = dy ⊙ f′. The derivative is taken from the output y where it can be (ReLU, sigmoid,
/// tanh), so the pre-activation need not be kept for the backward pass.
/// </summary>
internal sealed class ActivationOp : OpRule
{
    private readonly string _name;
    private readonly Func<MapExpr, double, MapExpr> _forward;
    private readonly Func<MapExpr, MapExpr, MapExpr, double, MapExpr> _backward;
    private readonly bool _derivativeFromInput;
    private readonly Func<Node, string> _forwardMath;
    private readonly Func<Node, string, string> _backwardMath;

    private ActivationOp(OpKind kind, string name,
        Func<MapExpr, double, MapExpr> forward,
        Func<MapExpr, MapExpr, MapExpr, double, MapExpr> backward, bool derivativeFromInput,
        Func<Node, string> forwardMath, Func<Node, string, string> backwardMath)
    {
        Kind = kind;
        _name = name;
        _forward = forward;
        _backward = backward;
        _derivativeFromInput = derivativeFromInput;
        _forwardMath = forwardMath;
        _backwardMath = backwardMath;
    }

    public OpKind Kind { get; }

    public override string Name => _name;

    /// <summary>Forward f(x), and backward from (dy, y, x). Math strings use the real tensor names.</summary>
    public static readonly ActivationOp[] All =
    [
        new(OpKind.Relu, "Relu",
            (x, _) => Map.Fn("relu", x),
            (dy, y, _, _) => Map.Select(y, dy, Map.Const(0)), false,
            n => $"{n.Name} = max({n.Inputs[0].Name}, 0)",
            (n, d) => $"{d} = d{n.Name} where {n.Name} > 0, else 0   (ReLU′ is 1 for positive inputs and 0 otherwise)"),
        new(OpKind.LeakyRelu, "LeakyRelu",
            (x, slope) => Map.Select(x, x, Map.Mul(Map.Const(slope), x)),
            (dy, y, _, slope) => Map.Select(y, dy, Map.Mul(Map.Const(slope), dy)), false,
            n => $"{n.Name} = {n.Inputs[0].Name} if {n.Inputs[0].Name} > 0, else {Num(n.Scale)}·{n.Inputs[0].Name}",
            (n, d) => $"{d} = d{n.Name} where {n.Name} > 0, else {Num(n.Scale)}·d{n.Name}"),
        new(OpKind.Sigmoid, "Sigmoid",
            (x, _) => Map.Fn("sigmoid", x),
            (dy, y, _, _) => Map.Mul(dy, Map.Mul(y, Map.Sub(Map.Const(1), y))), false,
            n => $"{n.Name} = σ({n.Inputs[0].Name}) = 1 / (1 + e^(−{n.Inputs[0].Name}))",
            (n, d) => $"{d} = d{n.Name} · {n.Name} · (1 − {n.Name})   (σ′ = σ·(1 − σ))"),
        new(OpKind.Tanh, "Tanh",
            (x, _) => Map.Fn("tanh", x),
            (dy, y, _, _) => Map.Mul(dy, Map.Sub(Map.Const(1), Map.Mul(y, y))), false,
            n => $"{n.Name} = tanh({n.Inputs[0].Name})",
            (n, d) => $"{d} = d{n.Name} · (1 − {n.Name}²)   (tanh′ = 1 − tanh²)"),
        new(OpKind.Gelu, "Gelu",
            (x, _) => Map.Fn("gelu", x),
            (dy, _, x, _) => Map.Mul(dy, Map.Fn("gelu'", x)), true,
            n => $"{n.Name} = {n.Inputs[0].Name}·Φ({n.Inputs[0].Name})   (Φ: standard normal CDF)",
            (n, d) => $"{d} = d{n.Name} · (Φ({n.Inputs[0].Name}) + {n.Inputs[0].Name}·φ({n.Inputs[0].Name}))   (φ: standard normal density)"),
    ];

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        double slope = 0;
        if (Kind == OpKind.LeakyRelu)
        {
            var s = call.Float("slope");
            if (s is null) return null;
            slope = s.Value;
        }
        if (x is null) return null;
        var node = call.Builder.Graph.Add(Kind, [x], x.Shape, call.Location);
        node.Scale = slope;
        return node;
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        plan.Emit(new MapStep(plan.Value(node), _forward(Map.Of(plan.Value(x)), node.Scale), PlanBuilder.Rows(node), node.Shape.Last, false)
        {
            SourceNode = node.Id,
            Label = _name,
            Comment = [$"{_name}: {_forwardMath(node)}"],
            Activation = new ActivationForm(_name, node.Scale, plan.Value(x), null),
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        if (plan.GradientOf(x) is not { } dx) return;
        var dy = plan.Gradient(node);
        var source = _derivativeFromInput ? plan.Value(x) : plan.Value(node);
        var expression = _backward(Map.Of(dy), Map.Of(plan.Value(node)), Map.Of(source), node.Scale);
        plan.Emit(new MapStep(dx.Operand, expression, PlanBuilder.Rows(node), node.Shape.Last, dx.Accumulate)
        {
            SourceNode = node.Id,
            Label = _name + " backward",
            Comment = [$"{_name} backward: {_backwardMath(node, dx.Operand.Name).Replace("d" + node.Name, dy.Name)}{(dx.Accumulate ? " (added: " + x.Name + " has several uses)" : "")}"],
            Activation = new ActivationForm(_name, node.Scale, dy, source),
        });
    }

    public override string Describe(Node node) => _forwardMath(node);

    private static string Num(double v) => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
