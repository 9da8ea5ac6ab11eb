namespace GraphGen.Generator.Graphs;

/// <summary>What an expression of a network method evaluates to while the graph is built.</summary>
internal abstract class Value
{
    public abstract string Describe();
}

internal sealed class TensorValue(Node node) : Value
{
    public Node Node { get; } = node;
    public override string Describe() => "a tensor " + Node.Shape;
}

internal sealed class NumberValue(double number, bool isInteger) : Value
{
    public double Number { get; } = number;
    public bool IsInteger { get; } = isInteger;
    public override string Describe() => "the number " + Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed class StringValue(string text) : Value
{
    public string Text { get; } = text;
    public override string Describe() => "the string \"" + Text + "\"";
}

internal sealed class BoolValue(bool flag) : Value
{
    public bool Flag { get; } = flag;
    public override string Describe() => Flag ? "true" : "false";
}

/// <summary>A value that is not known at compile time (a field, a property...); an error only where a constant is needed.</summary>
internal sealed class UnknownValue(string text) : Value
{
    public string Text { get; } = text;
    public override string Describe() => "'" + Text + "'";
}

/// <summary>The result of an expression that already produced a diagnostic: silences follow-up errors.</summary>
internal sealed class ErrorValue : Value
{
    public static readonly ErrorValue Instance = new();
    public override string Describe() => "an invalid value";
}

/// <summary>Several values returned together: [Forward]'s outputs.</summary>
internal sealed class TupleValue(Value[] items) : Value
{
    public Value[] Items { get; } = items;
    public override string Describe() => "a tuple of " + Items.Length;
}

/// <summary>An array of tensors (elements may be unset until a loop assigns them).</summary>
internal sealed class ArrayValue(Value?[] elements) : Value
{
    public Value?[] Elements { get; } = elements;
    public override string Describe() => $"an array of {Elements.Length} tensors";
}
