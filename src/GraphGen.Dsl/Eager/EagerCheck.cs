namespace GraphGen.Eager;

internal static class EagerCheck
{
    public static void SameShape(Tensor a, Tensor b, string op)
    {
        if (a.Batch != b.Batch || !a.Shape.AsSpan().SequenceEqual(b.Shape))
            throw new InvalidOperationException($"{op}: shapes differ: {a} and {b}.");
        if (!ReferenceEquals(a.Session, b.Session))
            throw new InvalidOperationException($"{op}: the tensors belong to different eager sessions.");
    }

    public static string ShapeText(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
