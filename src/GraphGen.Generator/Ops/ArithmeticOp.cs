using System.Globalization;
using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Tensor arithmetic written with C# operators. Operands have the same shape, or one of them
/// has per-sample shape [1] and is broadcast along the sample:
///   y = a + b:  da = dy,       db = dy
///   y = a − b:  da = dy,       db = −dy
///   y = a ⊙ b:  da = dy ⊙ b,   db = dy ⊙ a
///   y = a ⊘ b:  da = dy ⊘ b,   db = −dy ⊙ a ⊘ b²
///   y = s·x + t (every tensor–number form):  dx = s·dy
/// A broadcast operand's gradient is summed over the sample (the adjoint of copying).
/// </summary>
internal sealed class ArithmeticOp : OpRule
{
    public override string Name => "operator";

    public override Node? Build(OpCall call) => null;

    public static Value Binary(GraphBuilder builder, string op, Node a, Node b, LocationInfo location)
    {
        var kind = op switch { "+" => OpKind.Add, "-" => OpKind.Subtract, "*" => OpKind.Multiply, _ => OpKind.Divide };
        TensorShape shape;
        if (a.Shape.IsScalar || b.Shape.IsScalar)
        {
            if (!(a.Shape.IsScalar && b.Shape.IsScalar))
            {
                builder.Report(DiagnosticDescriptors.ShapeMismatch, location, $"'{op}' combines a scalar loss with a tensor {(a.Shape.IsScalar ? b.Shape : a.Shape)}; a loss can only be combined with other losses and numbers");
                return ErrorValue.Instance;
            }
            shape = TensorShape.Scalar;
        }
        else if (a.Shape == b.Shape || b.Shape.Size == 1)
            shape = a.Shape;
        else if (a.Shape.Size == 1)
            shape = b.Shape;
        else
        {
            builder.Report(DiagnosticDescriptors.ShapeMismatch, location,
                $"'{op}' needs tensors of the same shape (or one of shape [1]), but receives {a.Name} {a.Shape} and {b.Name} {b.Shape}");
            return ErrorValue.Instance;
        }
        return new TensorValue(builder.Graph.Add(kind, [a, b], shape, location));
    }

    public static Value Affine(GraphBuilder builder, Node x, double scale, double shift, LocationInfo location)
    {
        var node = builder.Graph.Add(OpKind.Affine, [x], x.Shape, location);
        node.Attributes = new AffineAttributes(scale, shift);
        return new TensorValue(node);
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        MapExpr expression;
        if (node.Kind == OpKind.Affine)
            expression = Map.Affine(Map.Of(plan.Value(node.Inputs[0])), node.Get<AffineAttributes>().Scale, node.Get<AffineAttributes>().Shift);
        else
        {
            var a = Operand(node, 0, plan);
            var b = Operand(node, 1, plan);
            expression = node.Kind switch
            {
                OpKind.Add => Map.Add(a, b),
                OpKind.Subtract => Map.Sub(a, b),
                OpKind.Multiply => Map.Mul(a, b),
                _ => Map.Div(a, b),
            };
        }
        plan.Emit(new MapStep(plan.Value(node), expression, Dim.Batch(1), node.Shape.Size, false)
        {
            SourceNode = node.Id,
            Label = Symbol(node),
            Comment = [Describe(node)],
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var dy = Map.Of(plan.Gradient(node));
        string dyName = plan.Gradient(node).Name;
        if (node.Kind == OpKind.Affine)
        {
            var x = node.Inputs[0];
            if (plan.GradientOf(x) is { } dx)
                Contribute(node, x, dx, Map.Affine(dy, node.Get<AffineAttributes>().Scale, 0), $"{Num(node.Get<AffineAttributes>().Scale)}·{dyName}", plan);
            return;
        }
        var a = node.Inputs[0];
        var b = node.Inputs[1];
        if (plan.GradientOf(a) is { } da)
        {
            var (expression, math) = node.Kind switch
            {
                OpKind.Multiply => (Map.Mul(dy, Operand(node, 1, plan)), $"{dyName} ⊙ {b.Name}"),
                OpKind.Divide => (Map.Div(dy, Operand(node, 1, plan)), $"{dyName} ⊘ {b.Name}"),
                _ => (dy, dyName),
            };
            Contribute(node, a, da, expression, math, plan);
        }
        if (plan.GradientOf(b) is { } db)
        {
            var (expression, math) = node.Kind switch
            {
                OpKind.Subtract => (Map.Fn("neg", dy), "−" + dyName),
                OpKind.Multiply => (Map.Mul(dy, Operand(node, 0, plan)), $"{dyName} ⊙ {a.Name}"),
                OpKind.Divide => (Map.Fn("neg", Map.Div(Map.Mul(dy, Operand(node, 0, plan)), Map.Mul(Operand(node, 1, plan), Operand(node, 1, plan)))),
                    $"−{dyName} ⊙ {a.Name} ⊘ {b.Name}²"),
                _ => (dy, dyName),
            };
            Contribute(node, b, db, expression, math, plan);
        }
    }

    /// <summary>Writes (or adds) one operand's gradient; a broadcast operand gets the sum over its sample.</summary>
    private void Contribute(Node node, Node input, GradientTarget target, MapExpr expression, string math, PlanBuilder plan)
    {
        string assign = target.Accumulate ? "+=" : "=";
        if (IsBroadcast(node, input))
        {
            plan.Emit(new RowSumStep(expression, target.Operand, Dim.Batch(1), node.Shape.Size, 1, target.Accumulate)
            {
                SourceNode = node.Id,
                Label = Symbol(node) + " backward",
                Comment = [$"{Symbol(node)} backward: {target.Operand.Name}[r] {assign} Σ_i ({math})[r, i]   ({input.Name} was broadcast over the sample)"],
            });
            return;
        }
        plan.Emit(new MapStep(target.Operand, expression, Dim.Batch(1), node.Shape.Size, target.Accumulate)
        {
            SourceNode = node.Id,
            Label = Symbol(node) + " backward",
            Comment = [$"{Symbol(node)} backward: {target.Operand.Name} {assign} {math}"],
        });
    }

    private static bool IsBroadcast(Node node, Node input) => input.Shape.Size == 1 && node.Shape.Size != 1;

    /// <summary>An operand read elementwise, or per row when it is broadcast.</summary>
    private static MapExpr Operand(Node node, int index, PlanBuilder plan)
    {
        var input = node.Inputs[index];
        return IsBroadcast(node, input) ? Map.PerRow(plan.Value(input)) : Map.Of(plan.Value(input));
    }

    private static string Symbol(Node node) => node.Kind switch
    {
        OpKind.Add => "Add",
        OpKind.Subtract => "Subtract",
        OpKind.Multiply => "Multiply",
        OpKind.Divide => "Divide",
        _ => "Scale",
    };

    /// <summary>ONNX: Add, Sub, Mul, Div (a per-sample [1] operand unsqueezed to broadcast as here); Affine as Mul and Add by scalars.</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        if (node.Kind == OpKind.Affine)
        {
            var (scale, shift) = node.Get<AffineAttributes>();
            string x = node.Inputs[0].Name;
            if (scale == 1 && shift == 0)
            {
                onnx.Node("Identity", [x], node.Name);
                return;
            }
            if (scale != 1) x = onnx.Node("Mul", [x, onnx.Scalar(node, "scale", scale)], shift == 0 ? node.Name : onnx.Temp(node, "scaled"));
            if (shift != 0) onnx.Node("Add", [x, onnx.Scalar(node, "shift", shift)], node.Name);
            return;
        }
        int rank = node.Shape.Rank;
        string a = onnx.Broadcastable(node, node.Inputs[0], rank), b = onnx.Broadcastable(node, node.Inputs[1], rank);
        string op = node.Kind switch { OpKind.Add => "Add", OpKind.Subtract => "Sub", OpKind.Multiply => "Mul", _ => "Div" };
        onnx.Node(op, [a, b], node.Name);
    }

    public override string Describe(Node node)
    {
        if (node.Kind == OpKind.Affine)
        {
            string x = node.Inputs[0].Name;
            var (scale, shift) = node.Get<AffineAttributes>();
            string scaled = scale == 1 ? x : scale == -1 ? "−" + x : Num(scale) + "·" + x;
            return $"{node.Name} = {scaled}{(shift == 0 ? "" : shift > 0 ? " + " + Num(shift) : " − " + Num(-shift))}";
        }
        string op = node.Kind switch { OpKind.Add => "+", OpKind.Subtract => "−", OpKind.Multiply => "⊙", _ => "⊘" };
        return $"{node.Name} = {node.Inputs[0].Name} {op} {node.Inputs[1].Name}";
    }

    private static string Num(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

/// <summary>y = Scale·x + Shift.</summary>
internal sealed record AffineAttributes(double Scale, double Shift) : OpAttributes;
