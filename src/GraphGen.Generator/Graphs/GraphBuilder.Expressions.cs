using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Model;
using GraphGen.Generator.Ops;

namespace GraphGen.Generator.Graphs;

internal sealed partial class GraphBuilder
{
    /// <summary>The value of an expression; one that would exceed <see cref="NetworkLimits"/> is reported on its own span.</summary>
    private Value Evaluate(Expr expression, Dictionary<string, Value> env)
    {
        try
        {
            return EvaluateCore(expression, env);
        }
        catch (NetworkLimitException e)
        {
            Report(DiagnosticDescriptors.NetworkTooLarge, expression.Location, e.Message);
            return ErrorValue.Instance;
        }
    }

    private Value EvaluateCore(Expr expression, Dictionary<string, Value> env)
    {
        switch (expression)
        {
            case NumberExpr n:
                return new NumberValue(n.Value, n.IsInteger);
            case StringExpr s:
                return new StringValue(s.Value);
            case BoolExpr b:
                return new BoolValue(b.Value);
            case RefExpr r:
                return Lookup(env, r.Name, r.Location);
            case NonConstantExpr u:
                return new UnknownValue(u.Text);
            case InvalidExpr:
                _sawInvalidCode = true;
                return ErrorValue.Instance;
            case CallExpr call:
                return call.Target == CallTarget.Op ? CallOp(call, env) : CallHelper(call, env);
            case BinaryExpr binary:
                return Binary(binary.Operator, Evaluate(binary.Left, env), Evaluate(binary.Right, env), binary.Location);
            case UnaryExpr unary:
                return Unary(unary.Operator, Evaluate(unary.Operand, env), unary.Location);
            case ConditionalExpr conditional:
                var condition = Condition(conditional.Condition, env, "The condition of this ?: expression");
                return condition is null ? ErrorValue.Instance : Evaluate(condition.Value ? conditional.WhenTrue : conditional.WhenFalse, env);
            case InterpolatedExpr interpolated:
                return Interpolate(interpolated, env);
            case TupleExpr tuple:
                return new TupleValue(tuple.Items.Select(i => Evaluate(i, env)).ToArray());
            case ArrayLiteralExpr literal:
                return new ArrayValue(literal.Items.Select(i => (Value?)Evaluate(i, env)).ToArray());
            case NewArrayExpr array:
                return NewArray(array, env);
            case IndexExpr index:
                return Element(index, env);
            default:
                return ErrorValue.Instance;
        }
    }

    private Value CallOp(CallExpr call, Dictionary<string, Value> env)
    {
        var arguments = call.Arguments.Select(a => (a.Parameter, Evaluate(a.Value, env), a.Value.Location)).ToList();
        if (!OpCatalog.TryGet(call.Method, out var rule))
        {
            Report(DiagnosticDescriptors.UnknownMethod, call.Location, call.Method,
                "This version of the generator does not know it; known ops: " + string.Join(", ", OpCatalog.Names) + ".");
            return ErrorValue.Instance;
        }
        return rule.BuildValue(new OpCall(this, call.Method, call.Location, arguments)) ?? ErrorValue.Instance;
    }

    private Value CallHelper(CallExpr call, Dictionary<string, Value> env)
    {
        if (!_helpers.TryGetValue(call.Method, out var helper)) return ErrorValue.Instance;
        if (_inlineStack.Count >= MaxInlineDepth)
        {
            Report(DiagnosticDescriptors.UnsupportedConstruct, call.Location, $"Calling '{call.Method}' more than {MaxInlineDepth} levels deep", _role,
                "helper methods are inlined into the graph, so they cannot recurse");
            return ErrorValue.Instance;
        }
        var local = new Dictionary<string, Value>();
        foreach (var parameter in helper.Parameters)
        {
            var argument = call.Arguments.FirstOrDefault(a => a.Parameter == parameter.Name);
            if (argument is null)
            {
                Report(DiagnosticDescriptors.InvalidArgument, call.Location, $"Helper '{call.Method}' needs an argument '{parameter.Name}'");
                return ErrorValue.Instance;
            }
            local[parameter.Name] = Evaluate(argument.Value, env);
        }
        _inlineStack.Add(call.Location);
        var result = Execute(helper.Body, local).Returned;
        _inlineStack.RemoveAt(_inlineStack.Count - 1);
        if (result is null)
        {
            Report(DiagnosticDescriptors.UnsupportedConstruct, helper.Location, "A helper without a return", _role, "return a tensor");
            return ErrorValue.Instance;
        }
        return result;
    }

    private Value NewArray(NewArrayExpr array, Dictionary<string, Value> env)
    {
        switch (Evaluate(array.Size, env))
        {
            case NumberValue { IsInteger: true } n when n.Number >= 1 && n.Number <= MaxUnrolledIterations:
                return new ArrayValue(new Value?[(int)n.Number]);
            case ErrorValue:
                return ErrorValue.Instance;
            case var other:
                Report(DiagnosticDescriptors.NonConstantArgument, array.Size.Location, "The array size", "new Tensor[...]",
                    other is UnknownValue u ? u.Text : other.Describe());
                return ErrorValue.Instance;
        }
    }

    private Value Element(IndexExpr index, Dictionary<string, Value> env)
    {
        var target = Evaluate(index.Target, env);
        var position = Evaluate(index.Index, env);
        if (target is ErrorValue || position is ErrorValue) return ErrorValue.Instance;
        if (target is not ArrayValue array)
        {
            Report(DiagnosticDescriptors.UnsupportedConstruct, index.Location, "Indexing " + target.Describe(), _role,
                "index arrays of tensors (new Tensor[n], Unstack(x)); to pick a step of a sequence tensor use Unstack");
            return ErrorValue.Instance;
        }
        int? i = ArrayIndex(array, position, index.Index.Location);
        if (i is null) return ErrorValue.Instance;
        if (array.Elements[i.Value] is { } element) return element;
        Report(DiagnosticDescriptors.UnsupportedConstruct, index.Location, $"Reading element {i} of an array before it is assigned", _role,
            "assign every element before reading it");
        return ErrorValue.Instance;
    }

    /// <summary>A compile-time index into an array, or a diagnostic and null.</summary>
    private int? ArrayIndex(ArrayValue array, Value position, LocationInfo location)
    {
        if (position is not NumberValue { IsInteger: true } n)
        {
            Report(DiagnosticDescriptors.NonConstantArgument, location, "An array index", "an array of tensors",
                position is UnknownValue u ? u.Text : position.Describe());
            return null;
        }
        if (n.Number < 0 || n.Number >= array.Elements.Length)
        {
            Report(DiagnosticDescriptors.InvalidArgument, location, $"Index {n.Number} is outside the array of {array.Elements.Length} tensors");
            return null;
        }
        return (int)n.Number;
    }

    private Value Interpolate(InterpolatedExpr interpolated, Dictionary<string, Value> env)
    {
        var text = new StringBuilder();
        foreach (var part in interpolated.Parts)
        {
            switch (Evaluate(part, env))
            {
                case StringValue s: text.Append(s.Text); break;
                case NumberValue n: text.Append(FormatNumber(n)); break;
                case BoolValue b: text.Append(b.Flag ? "True" : "False"); break;
                case ErrorValue: return ErrorValue.Instance;
                case var other:
                    return new UnknownValue(other is UnknownValue u ? u.Text : "$\"...\"");
            }
        }
        return new StringValue(text.ToString());
    }

    private static string FormatNumber(NumberValue n) =>
        n.IsInteger ? ((long)n.Number).ToString(CultureInfo.InvariantCulture) : n.Number.ToString("R", CultureInfo.InvariantCulture);

    private Value Unary(string op, Value operand, LocationInfo location)
    {
        switch (operand, op)
        {
            case (ErrorValue, _): return operand;
            case (_, "+"): return operand;
            case (NumberValue n, "-"): return new NumberValue(-n.Number, n.IsInteger);
            case (BoolValue b, "!"): return new BoolValue(!b.Flag);
            case (TensorValue t, "-"): return ArithmeticOp.Affine(this, t.Node, -1, 0, location);
            case (UnknownValue, _): return operand;
            default:
                Report(DiagnosticDescriptors.UnsupportedConstruct, location, $"The operator '{op}' on {operand.Describe()}", _role, "use it on numbers, or - on tensors");
                return ErrorValue.Instance;
        }
    }

    private Value Binary(string op, Value left, Value right, LocationInfo location)
    {
        if (left is ErrorValue || right is ErrorValue) return ErrorValue.Instance;
        if (op == "+" && (left is StringValue || right is StringValue))
            return left is UnknownValue || right is UnknownValue || left is TensorValue || right is TensorValue
                ? new UnknownValue("string concatenation")
                : new StringValue(Text(left) + Text(right));

        if ((left is TensorValue || right is TensorValue) && op is "<" or ">" or "<=" or ">=" or "==" or "!=")
        {
            Report(DiagnosticDescriptors.DataDependentControlFlow, location, $"Comparing a tensor with '{op}'",
                "Express the choice with ops instead, e.g. Relu(x) for max(x, 0), or a mask multiplied in");
            return ErrorValue.Instance;
        }

        switch (left, right)
        {
            case (TensorValue a, TensorValue b):
                if (op is "+" or "-" or "*" or "/") return ArithmeticOp.Binary(this, op, a.Node, b.Node, location);
                break;
            case (TensorValue a, NumberValue c):
                return TensorScalar(op, a.Node, c.Number, tensorOnLeft: true, location);
            case (NumberValue c, TensorValue a):
                return TensorScalar(op, a.Node, c.Number, tensorOnLeft: false, location);
            case (NumberValue a, NumberValue b):
                return Numbers(op, a, b, location);
            case (BoolValue a, BoolValue b) when op is "&&" or "||" or "==" or "!=":
                return new BoolValue(op switch { "&&" => a.Flag && b.Flag, "||" => a.Flag || b.Flag, "==" => a.Flag == b.Flag, _ => a.Flag != b.Flag });
            case (StringValue a, StringValue b) when op is "==" or "!=":
                return new BoolValue((a.Text == b.Text) == (op == "=="));
            case (UnknownValue u, _):
                return u;
            case (_, UnknownValue u):
                return u;
        }
        Report(DiagnosticDescriptors.UnsupportedConstruct, location, $"The operator '{op}' between {left.Describe()} and {right.Describe()}", _role,
            "tensors support + - * / with tensors of the same shape and with numbers");
        return ErrorValue.Instance;
    }

    private Value TensorScalar(string op, Node tensor, double c, bool tensorOnLeft, LocationInfo location)
    {
        switch (op)
        {
            case "+": return ArithmeticOp.Affine(this, tensor, 1, c, location);
            case "-": return tensorOnLeft ? ArithmeticOp.Affine(this, tensor, 1, -c, location) : ArithmeticOp.Affine(this, tensor, -1, c, location);
            case "*": return ArithmeticOp.Affine(this, tensor, c, 0, location);
            case "/" when tensorOnLeft:
                if (c == 0)
                {
                    Report(DiagnosticDescriptors.InvalidArgument, location, "Division of a tensor by the constant zero");
                    return ErrorValue.Instance;
                }
                return ArithmeticOp.Affine(this, tensor, 1 / c, 0, location);
        }
        Report(DiagnosticDescriptors.UnsupportedConstruct, location,
            tensorOnLeft ? $"The operator '{op}' between a tensor and a number" : $"The operator '{op}' between a number and a tensor", _role,
            "use + - * with numbers on either side, or divide a tensor by a number");
        return ErrorValue.Instance;
    }

    private Value Numbers(string op, NumberValue a, NumberValue b, LocationInfo location)
    {
        bool integer = a.IsInteger && b.IsInteger;
        double x = a.Number, y = b.Number;
        switch (op)
        {
            case "+": return new NumberValue(x + y, integer);
            case "-": return new NumberValue(x - y, integer);
            case "*": return new NumberValue(x * y, integer);
            case "/" or "%" when y == 0:
                Report(DiagnosticDescriptors.InvalidArgument, location, "Division by zero in a constant expression");
                return ErrorValue.Instance;
            case "/": return integer ? new NumberValue((long)x / (long)y, true) : new NumberValue(x / y, false);
            case "%": return integer ? new NumberValue((long)x % (long)y, true) : new NumberValue(x % y, false);
            case "<": return new BoolValue(x < y);
            case ">": return new BoolValue(x > y);
            case "<=": return new BoolValue(x <= y);
            case ">=": return new BoolValue(x >= y);
            case "==": return new BoolValue(x == y);
            case "!=": return new BoolValue(x != y);
        }
        Report(DiagnosticDescriptors.UnsupportedConstruct, location, $"The operator '{op}' on numbers", _role, "use + - * / % and comparisons");
        return ErrorValue.Instance;
    }

    private static string Text(Value v) => v switch
    {
        StringValue s => s.Text,
        NumberValue n => FormatNumber(n),
        BoolValue b => b.Flag ? "True" : "False",
        _ => "",
    };
}
