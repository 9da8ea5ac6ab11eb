using GraphGen.Generator.Diagnostics;

namespace GraphGen.Generator.Model;

/// <summary>An expression of a network method, as the parser read it.</summary>
internal abstract record Expr(LocationInfo Location);

/// <summary>A numeric compile-time constant (folded by Roslyn: literals, const fields, 2 * Hidden).</summary>
internal sealed record NumberExpr(double Value, bool IsInteger, LocationInfo Location) : Expr(Location);

internal sealed record StringExpr(string Value, LocationInfo Location) : Expr(Location);

internal sealed record BoolExpr(bool Value, LocationInfo Location) : Expr(Location);

/// <summary>A local variable, parameter or loop variable.</summary>
internal sealed record RefExpr(string Name, LocationInfo Location) : Expr(Location);

/// <summary>A value the generator cannot know at compile time (a field, a property, a method call on non-tensors).</summary>
internal sealed record NonConstantExpr(string Text, LocationInfo Location) : Expr(Location);

/// <summary>Code the C# compiler rejects (a call that does not bind): it reports why, so it evaluates to an error silently.</summary>
internal sealed record InvalidExpr(string Text, LocationInfo Location) : Expr(Location);

/// <summary>An argument bound to the callee's parameter name (positional arguments are named by the parser).</summary>
internal sealed record ArgumentSpec(string Parameter, Expr Value);

internal enum CallTarget
{
    /// <summary>A method of GraphGen.Nn.</summary>
    Op,
    /// <summary>A method of the network class returning Tensor: inlined.</summary>
    Helper,
}

internal sealed record CallExpr(string Method, CallTarget Target, EquatableArray<ArgumentSpec> Arguments, LocationInfo Location) : Expr(Location);

/// <summary>A binary operator: + - * / % &lt; &gt; &lt;= &gt;= == != &amp;&amp; ||.</summary>
internal sealed record BinaryExpr(string Operator, Expr Left, Expr Right, LocationInfo Location) : Expr(Location);

/// <summary>A prefix operator: - + !.</summary>
internal sealed record UnaryExpr(string Operator, Expr Operand, LocationInfo Location) : Expr(Location);

internal sealed record ConditionalExpr(Expr Condition, Expr WhenTrue, Expr WhenFalse, LocationInfo Location) : Expr(Location);

/// <summary>An interpolated string such as $"block{i}.fc", used for layer names in loops and helpers.</summary>
internal sealed record InterpolatedExpr(EquatableArray<Expr> Parts, LocationInfo Location) : Expr(Location);

/// <summary>A tuple <c>(a, b, c)</c>: several outputs returned from [Forward].</summary>
internal sealed record TupleExpr(EquatableArray<Expr> Items, LocationInfo Location) : Expr(Location);

/// <summary><c>new Tensor[n]</c>: an array of tensors filled by a loop (an RNN's outputs).</summary>
internal sealed record NewArrayExpr(Expr Size, LocationInfo Location) : Expr(Location);

/// <summary><c>[a, b]</c> or <c>new[] { a, b }</c>.</summary>
internal sealed record ArrayLiteralExpr(EquatableArray<Expr> Items, LocationInfo Location) : Expr(Location);

/// <summary><c>xs[i]</c>.</summary>
internal sealed record IndexExpr(Expr Target, Expr Index, LocationInfo Location) : Expr(Location);
