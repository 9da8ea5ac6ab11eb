using System.Globalization;

namespace GraphGen.Generator.Planning;

/// <summary>How an operand of an elementwise map is indexed over a [rows, columns] iteration.</summary>
internal enum Broadcast
{
    /// <summary>x[r, c]</summary>
    Elementwise,
    /// <summary>x[r]: one value per row (a per-sample [1] tensor)</summary>
    PerRow,
    /// <summary>x[c]: one value per column, the same for every sample (a parameter added to every sample)</summary>
    PerColumn,
}

/// <summary>An elementwise expression: the body of one fused loop.</summary>
internal abstract record MapExpr;

internal sealed record MapOperand(Operand Operand, Broadcast Broadcast) : MapExpr;

internal sealed record MapConstant(double Value) : MapExpr
{
    public string Code => FloatLiteral(Value);

    /// <summary>
    /// The C# float constant nearest <paramref name="value"/>, exactly as float arithmetic will see
    /// it: the shortest round-trip digits ("0.1f", "1e-45f", "-0f"), or a float member for the
    /// values that have no literal (NaN and the infinities, which huge doubles round to).
    /// </summary>
    public static string FloatLiteral(double value)
    {
        float f = (float)value;
        if (float.IsNaN(f)) return "float.NaN";
        if (float.IsPositiveInfinity(f)) return "float.PositiveInfinity";
        if (float.IsNegativeInfinity(f)) return "float.NegativeInfinity";
        string text = f.ToString("R", CultureInfo.InvariantCulture);
        return text.Replace("E", "e") + "f";
    }
}

/// <summary>A function of one value that is not an activation: exp, log, neg.</summary>
internal sealed record MapUnary(string Function, MapExpr Argument) : MapExpr;

/// <summary>An activation f(x), or its derivative f′(s) when <see cref="Derivative"/>, computed by the runtime struct that defines it.</summary>
internal sealed record MapActivation(Ops.ActivationFunction Function, double Slope, MapExpr Argument, bool Derivative) : MapExpr;

/// <summary>An arithmetic operator: + − × ÷.</summary>
internal sealed record MapBinary(string Operator, MapExpr Left, MapExpr Right) : MapExpr;

/// <summary>Condition &gt; 0 ? WhenPositive : Otherwise (the ReLU family's derivative).</summary>
internal sealed record MapSelect(MapExpr Condition, MapExpr WhenPositive, MapExpr Otherwise) : MapExpr;
