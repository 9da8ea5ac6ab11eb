using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GraphGen.Generator.Diagnostics;

namespace GraphGen.Generator.Graphs;

/// <summary>
/// The evaluated arguments of one op call, with typed accessors that report a diagnostic (and
/// return null) when an argument is not what the op needs.
/// </summary>
internal sealed class OpCall(GraphBuilder builder, string op, LocationInfo location, List<(string Parameter, Value Value, LocationInfo Location)> arguments)
{
    public GraphBuilder Builder { get; } = builder;
    public string Op { get; } = op;
    public LocationInfo Location { get; } = location;

    /// <summary>The call site identity: the same call in every loop iteration, a different one per inlined helper call.</summary>
    public string CallSite => Builder.CallSiteOf(Location);

    public LocationInfo LocationOf(string parameter)
    {
        foreach (var a in arguments)
            if (a.Parameter == parameter) return a.Location;
        return Location;
    }

    public bool Has(string parameter)
    {
        foreach (var a in arguments)
            if (a.Parameter == parameter) return true;
        return false;
    }

    public Node? Tensor(string parameter)
    {
        var (value, location) = Find(parameter);
        switch (value)
        {
            case TensorValue t:
                return t.Node;
            case ErrorValue or null:
                return null;
            default:
                Builder.Report(DiagnosticDescriptors.InvalidArgument, location, $"Argument '{parameter}' of {Op} must be a tensor, but it is {value.Describe()}");
                return null;
        }
    }

    public List<Node>? Tensors(string parameter)
    {
        var result = new List<Node>();
        bool ok = true;
        foreach (var a in arguments)
        {
            if (a.Parameter != parameter) continue;
            if (a.Value is TensorValue t) result.Add(t.Node);
            else if (a.Value is ArrayValue array && array.Elements.All(e => e is TensorValue))
                result.AddRange(array.Elements.Select(e => ((TensorValue)e!).Node));
            else
            {
                ok = false;
                if (a.Value is not ErrorValue)
                    Builder.Report(DiagnosticDescriptors.InvalidArgument, a.Location, $"Every argument of {Op} must be a tensor, but this one is {a.Value.Describe()}");
            }
        }
        return ok ? result : null;
    }

    public int? Int(string parameter, int minimum)
    {
        var number = Number(parameter, integer: true);
        if (number is null) return null;
        if (number.Value < minimum)
        {
            Builder.Report(DiagnosticDescriptors.InvalidArgument, LocationOf(parameter),
                $"Argument '{parameter}' of {Op} is {number.Value.ToString(CultureInfo.InvariantCulture)} but must be at least {minimum}");
            return null;
        }
        if (number.Value > int.MaxValue)
        {
            Builder.Report(DiagnosticDescriptors.InvalidArgument, LocationOf(parameter),
                $"Argument '{parameter}' of {Op} is {number.Value.ToString("R", CultureInfo.InvariantCulture)} but must be at most {int.MaxValue.ToString(CultureInfo.InvariantCulture)} (int.MaxValue)");
            return null;
        }
        return (int)number.Value;
    }

    public double? Float(string parameter) => Number(parameter, integer: false);

    /// <summary>A params int[] argument: every value a compile-time integer.</summary>
    public List<int>? Ints(string parameter)
    {
        var result = new List<int>();
        foreach (var a in arguments)
        {
            if (a.Parameter != parameter) continue;
            switch (a.Value)
            {
                case NumberValue { IsInteger: true } n when n.Number >= int.MinValue && n.Number <= int.MaxValue:
                    result.Add((int)n.Number);
                    break;
                case NumberValue { IsInteger: true } n:
                    Builder.Report(DiagnosticDescriptors.InvalidArgument, a.Location,
                        $"Argument '{parameter}' of {Op} is {n.Number.ToString("R", CultureInfo.InvariantCulture)}, outside the range of int");
                    return null;
                case ErrorValue:
                    return null;
                default:
                    NotConstant(parameter, a.Value, a.Location);
                    return null;
            }
        }
        return result;
    }

    public string? String(string parameter)
    {
        var (value, location) = Find(parameter);
        switch (value)
        {
            case StringValue s:
                return s.Text;
            case ErrorValue or null:
                return null;
            default:
                NotConstant(parameter, value, location);
                return null;
        }
    }

    public bool? Bool(string parameter)
    {
        var (value, location) = Find(parameter);
        switch (value)
        {
            case BoolValue b:
                return b.Flag;
            case ErrorValue or null:
                return null;
            default:
                NotConstant(parameter, value, location);
                return null;
        }
    }

    private double? Number(string parameter, bool integer)
    {
        var (value, location) = Find(parameter);
        switch (value)
        {
            case NumberValue n when !integer || n.IsInteger:
                return n.Number;
            case ErrorValue or null:
                return null;
            default:
                NotConstant(parameter, value, location);
                return null;
        }
    }

    private void NotConstant(string parameter, Value value, LocationInfo location)
    {
        string text = value is UnknownValue u ? u.Text : value.Describe();
        Builder.Report(DiagnosticDescriptors.NonConstantArgument, location, $"Argument '{parameter}'", Op, text);
    }

    private (Value? Value, LocationInfo Location) Find(string parameter)
    {
        foreach (var a in arguments)
            if (a.Parameter == parameter) return (a.Value, a.Location);
        Builder.Report(DiagnosticDescriptors.InvalidArgument, Location, $"{Op} needs an argument '{parameter}'");
        return (null, Location);
    }
}
