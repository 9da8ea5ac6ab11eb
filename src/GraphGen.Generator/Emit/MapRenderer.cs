using System;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

/// <summary>Renders an elementwise expression as one C# expression over span elements.</summary>
internal static class MapRenderer
{
    /// <param name="element">Index text for elementwise operands, e.g. "i".</param>
    /// <param name="row">Index text for per-row operands, e.g. "r".</param>
    public static string Render(MapExpr expression, string element, string row) => Render(expression, element, row, out _);

    /// <summary>The index text of an operand: [i] elementwise, [r] per row, [c] per column.</summary>
    private static string Index(Broadcast broadcast, string element, string row) => broadcast switch
    {
        Broadcast.PerRow => row,
        Broadcast.PerColumn => "c",
        _ => element,
    };

    /// <summary>Precedence: 0 conditional, 1 additive, 2 multiplicative, 3 unary, 4 primary.</summary>
    private static string Render(MapExpr expression, string element, string row, out int precedence)
    {
        switch (expression)
        {
            case MapOperand o:
                precedence = 4;
                return o.Operand.Name + "[" + Index(o.Broadcast, element, row) + "]";
            case MapConstant c:
                // "-1f" and "-0f" are a minus applied to a literal.
                precedence = c.Code.StartsWith("-", StringComparison.Ordinal) ? 3 : 4;
                return c.Code;
            case MapUnary u:
                return Unary(u, element, row, out precedence);
            case MapActivation a:
                // The runtime struct that defines the activation (and every kernel's use of it).
                precedence = 4;
                return a.Function.Code(a.Slope) + (a.Derivative ? ".Derivative(" : ".Forward(") + Render(a.Argument, element, row, out _) + ")";
            case MapBinary b:
                precedence = b.Operator is "+" or "-" ? 1 : 2;
                string left = Render(b.Left, element, row, out int lp);
                string right = Render(b.Right, element, row, out int rp);
                if (lp < precedence) left = "(" + left + ")";
                // Float + and × are not associative: a right operand of the same precedence keeps its parentheses,
                // so the loop computes exactly the plan's expression tree.
                if (rp <= precedence) right = "(" + right + ")";
                return left + " " + b.Operator + " " + right;
            case MapSelect s:
                precedence = 0;
                string condition = Render(s.Condition, element, row, out int cp);
                string whenPositive = Render(s.WhenPositive, element, row, out int wp);
                string otherwise = Render(s.Otherwise, element, row, out int op);
                if (cp < 2) condition = "(" + condition + ")";
                if (wp == 0) whenPositive = "(" + whenPositive + ")";
                return condition + " > 0f ? " + whenPositive + " : " + otherwise;
            default:
                throw new InvalidOperationException("Unknown map expression " + expression);
        }
    }

    private static string Unary(MapUnary u, string element, string row, out int precedence)
    {
        string argument = Render(u.Argument, element, row, out int ap);
        precedence = 4;
        switch (u.Function)
        {
            case "neg":
                precedence = 3;
                // "-(-1f)", never "--1f" (a decrement).
                return "-" + (ap < 3 || argument.StartsWith("-", StringComparison.Ordinal) ? "(" + argument + ")" : argument);
            case "exp": return "global::System.MathF.Exp(" + argument + ")";
            case "log": return "global::System.MathF.Log(" + argument + ")";
            default: throw new InvalidOperationException("Unknown function " + u.Function);
        }
    }
}
