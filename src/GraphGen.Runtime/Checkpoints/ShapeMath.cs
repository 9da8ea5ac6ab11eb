namespace GraphGen;

/// <summary>Element counts and printing of tensor shapes, shared by the checkpoint reader and writer.</summary>
internal static class ShapeMath
{
    /// <summary>The product of <paramref name="shape"/>; throws <see cref="OverflowException"/> beyond int.MaxValue elements.</summary>
    public static int ElementCount(ReadOnlySpan<int> shape)
    {
        int n = 1;
        foreach (int d in shape) n = checked(n * d);
        return n;
    }

    public static string Format(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++) parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}
