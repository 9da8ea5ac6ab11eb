using System;
using System.Globalization;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// One elementwise activation, as the generator knows it: the name users call (GraphGen.Nn) and
/// that the runtime struct defining f and f′ bears (GraphGen.Kernels), whether f′ is taken from
/// the input x or the output y, and the math the generated comments show. Everything else (the
/// fused GEMM and convolution epilogues, the activation kernels, the loops of fused chains) follows
/// from this row and the runtime struct: adding an activation is one row here, one struct there.
/// </summary>
/// <param name="Name">GraphGen.Nn.{Name} and GraphGen.Kernels.{Name}.</param>
/// <param name="HasSlope">Takes a slope argument (leaky ReLU), passed to the runtime struct's constructor.</param>
/// <param name="DerivativeFromInput">f′ needs the input x (GELU, SiLU, softplus); otherwise it is computed from the output y, so x need not be kept.</param>
/// <param name="ReluLike">Layers that feed it get He initialisation (Xavier otherwise).</param>
/// <param name="ForwardMath">(y, x, slope) → "y = max(x, 0)".</param>
/// <param name="BackwardMath">(dx, dy, y, x, slope) → "dx = dy where y &gt; 0, else 0".</param>
internal sealed record ActivationFunction(string Name, bool HasSlope, bool DerivativeFromInput, bool ReluLike,
    Func<string, string, string, string> ForwardMath, Func<string, string, string, string, string, string> BackwardMath)
{
    /// <summary>
    /// The backward expression from (dy, y, x, slope) when it is not dy ⊙ f′(s): the ReLU family
    /// selects dy where y &gt; 0, so that dy·0 never makes a −0 or a NaN.
    /// </summary>
    public Func<MapExpr, MapExpr, MapExpr, double, MapExpr>? Backward { get; init; }

    /// <summary>The ONNX form (emitter, node, input tensor, slope): writes ONNX nodes that make node.Name.</summary>
    public Action<Emit.OnnxEmitter, Node, string, double>? Onnx { get; init; }

    /// <summary>An ONNX form that is one operator of the same meaning.</summary>
    private static Action<Emit.OnnxEmitter, Node, string, double> OnnxOperator(string opType) =>
        (onnx, node, x, _) => onnx.Node(opType, [x], node.Name);

    /// <summary>C# that constructs the runtime struct, e.g. <c>new global::GraphGen.Kernels.Relu()</c>.</summary>
    public string Code(double slope) =>
        $"new global::GraphGen.Kernels.{Name}({(HasSlope ? MapConstant.FloatLiteral(slope) : "")})";

    /// <summary>The table: every activation users can call.</summary>
    public static readonly ActivationFunction[] All =
    [
        new("Relu", HasSlope: false, DerivativeFromInput: false, ReluLike: true,
            (y, x, _) => $"{y} = max({x}, 0)",
            (dx, dy, y, _, _) => $"{dx} = {dy} where {y} > 0, else 0   (ReLU′ is 1 for positive inputs and 0 otherwise)")
        {
            Backward = (dy, y, _, _) => Map.Select(y, dy, Map.Const(0)),
            Onnx = OnnxOperator("Relu"),
        },
        new("LeakyRelu", HasSlope: true, DerivativeFromInput: false, ReluLike: true,
            (y, x, slope) => $"{y} = {x} if {x} > 0, else {slope}·{x}",
            (dx, dy, y, _, slope) => $"{dx} = {dy} where {y} > 0, else {slope}·{dy}")
        {
            Backward = (dy, y, _, slope) => Map.Select(y, dy, Map.Mul(Map.Const(slope), dy)),
            Onnx = (onnx, node, x, slope) => onnx.Node("LeakyRelu", [x], node.Name, Emit.OnnxEmitter.Float("alpha", slope)),
        },
        new("Sigmoid", HasSlope: false, DerivativeFromInput: false, ReluLike: false,
            (y, x, _) => $"{y} = σ({x}) = 1 / (1 + e^(−{x}))",
            (dx, dy, y, _, _) => $"{dx} = {dy} · {y} · (1 − {y})   (σ′ = σ·(1 − σ))")
        {
            Onnx = OnnxOperator("Sigmoid"),
        },
        new("Tanh", HasSlope: false, DerivativeFromInput: false, ReluLike: false,
            (y, x, _) => $"{y} = tanh({x})",
            (dx, dy, y, _, _) => $"{dx} = {dy} · (1 − {y}²)   (tanh′ = 1 − tanh²)")
        {
            Onnx = OnnxOperator("Tanh"),
        },
        new("Gelu", HasSlope: false, DerivativeFromInput: true, ReluLike: true,
            (y, x, _) => $"{y} = {x}·Φ({x})   (Φ: standard normal CDF)",
            (dx, dy, _, x, _) => $"{dx} = {dy} · (Φ({x}) + {x}·φ({x}))   (φ: standard normal density)")
        {
            // Exact GELU before opset 20's Gelu: x·½·(1 + erf(x/√2)).
            Onnx = (onnx, node, x, _) =>
            {
                var scaled = onnx.Node("Div", [x, onnx.Scalar(node, "sqrt2", Math.Sqrt(2))], onnx.Temp(node, "scaled"));
                var erf = onnx.Node("Erf", [scaled], onnx.Temp(node, "erf"));
                var cdf = onnx.Node("Add", [erf, onnx.Scalar(node, "one", 1)], onnx.Temp(node, "twice_cdf"));
                var half = onnx.Node("Mul", [cdf, onnx.Scalar(node, "half", 0.5)], onnx.Temp(node, "cdf"));
                onnx.Node("Mul", [x, half], node.Name);
            },
        },
        new("Silu", HasSlope: false, DerivativeFromInput: true, ReluLike: true,
            (y, x, _) => $"{y} = {x}·σ({x})   (SiLU, or swish)",
            (dx, dy, _, x, _) => $"{dx} = {dy} · σ({x})·(1 + {x}·(1 − σ({x})))")
        {
            Onnx = (onnx, node, x, _) => onnx.Node("Mul", [x, onnx.Node("Sigmoid", [x], onnx.Temp(node, "sigmoid"))], node.Name),
        },
        new("Softplus", HasSlope: false, DerivativeFromInput: true, ReluLike: true,
            (y, x, _) => $"{y} = log(1 + e^{x})   (a smooth ReLU)",
            (dx, dy, _, x, _) => $"{dx} = {dy} · σ({x})   (softplus′ = σ)")
        {
            Onnx = OnnxOperator("Softplus"),
        },
    ];
}

/// <summary>The activation a node applies, with its slope (leaky ReLU; 0 for the others).</summary>
internal sealed record ActivationAttributes(ActivationOp Rule, double Slope) : OpAttributes
{
    public ActivationFunction Function => Rule.Function;
}

/// <summary>
/// The rule of one activation (a row of <see cref="ActivationFunction.All"/>): forward y = f(x) and
/// the backward rule dx = dy ⊙ f′. The derivative is taken from the output y where it can be
/// (ReLU, sigmoid, tanh), so the pre-activation need not be kept for the backward pass.
/// </summary>
internal sealed class ActivationOp(ActivationFunction function) : OpRule
{
    public ActivationFunction Function { get; } = function;

    public override string Name => Function.Name;

    public static readonly ActivationOp[] All = Array.ConvertAll(ActivationFunction.All, f => new ActivationOp(f));

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        double slope = 0;
        if (Function.HasSlope)
        {
            var s = call.Float("slope");
            if (s is null) return null;
            slope = s.Value;
        }
        if (x is null) return null;
        if (x.Shape.IsScalar) return Mismatch(call, $"{Name} needs a tensor but receives a scalar loss", "x");
        var node = call.Builder.Graph.Add(OpKind.Activation, [x], x.Shape, call.Location);
        node.Name = char.ToLowerInvariant(Name[0]) + Name.Substring(1) + node.Id.ToString(CultureInfo.InvariantCulture);
        node.Attributes = new ActivationAttributes(this, slope);
        return node;
    }

    public override void Onnx(Node node, Emit.OnnxEmitter onnx) =>
        (Function.Onnx ?? throw new Emit.NoOnnxFormException())(onnx, node, node.Inputs[0].Name, node.Get<ActivationAttributes>().Slope);

    public override void Forward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        double slope = node.Get<ActivationAttributes>().Slope;
        plan.Emit(new MapStep(plan.Value(node), Map.Activation(Function, slope, Map.Of(plan.Value(x))), PlanBuilder.Rows(node), node.Shape.Last, false)
        {
            SourceNode = node.Id,
            Label = Name,
            Comment = [$"{Name}: {Describe(node)}"],
            Activation = new ActivationForm(new ActivationUse(Function, slope), plan.Value(x)),
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var x = node.Inputs[0];
        if (plan.GradientOf(x) is not { } dx) return;
        double slope = node.Get<ActivationAttributes>().Slope;
        var dy = plan.Gradient(node);
        var source = Function.DerivativeFromInput ? plan.Value(x) : plan.Value(node);
        var expression = Function.Backward is { } custom
            ? custom(Map.Of(dy), Map.Of(plan.Value(node)), Map.Of(plan.Value(x)), slope)
            : Map.Mul(Map.Of(dy), Map.Derivative(Function, slope, Map.Of(source)));
        string math = Function.BackwardMath(dx.Operand.Name, dy.Name, node.Name, x.Name, Num(slope));
        plan.Emit(new MapStep(dx.Operand, expression, PlanBuilder.Rows(node), node.Shape.Last, dx.Accumulate)
        {
            SourceNode = node.Id,
            Label = Name + " backward",
            Comment = [$"{Name} backward: {math}{(dx.Accumulate ? " (added: " + x.Name + " has several uses)" : "")}"],
            Activation = new ActivationForm(new ActivationUse(Function, slope, source), dy),
        });
    }

    public override string Describe(Node node) =>
        Function.ForwardMath(node.Name, node.Inputs[0].Name, Num(node.Get<ActivationAttributes>().Slope));

    private static string Num(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
