namespace GraphGen.Eager;

/// <summary>Ops that move values without changing them: reshapes, transposes, head splits, stacking.</summary>
internal static class EagerShapes
{
    /// <summary>y[b, j] = x[b, source[j]] for every sample b; backward dx[b, source[j]] += dy[b, j].</summary>
    private static Tensor Gather(Tensor x, int[] shape, int[] source, string op)
    {
        int inSize = x.SampleSize, outSize = source.Length;
        var y = new double[x.Batch * outSize];
        for (int b = 0; b < x.Batch; b++)
            for (int j = 0; j < outSize; j++) y[b * outSize + j] = x.Data[b * inSize + source[j]];
        return x.Session.Record(x.Batch, shape, y, [x], op, t =>
        {
            var dx = x.GradBuffer();
            for (int b = 0; b < x.Batch; b++)
                for (int j = 0; j < outSize; j++) dx[b * inSize + source[j]] += t.Grad![b * outSize + j];
        });
    }

    public static Tensor Zeros(Tensor like, int[] shape)
    {
        int size = 1;
        foreach (int d in shape) size *= d;
        return like.Session.Record(like.Batch, (int[])shape.Clone(), new double[like.Batch * size], [], "zeros", null);
    }

    public static Tensor Reshape(Tensor x, int[] shape, string op)
    {
        int size = 1;
        foreach (int d in shape) size *= d;
        if (size != x.SampleSize) throw new InvalidOperationException($"{op}: {x} has {x.SampleSize} values per sample, not {size}.");
        var source = new int[size];
        for (int i = 0; i < size; i++) source[i] = i;
        return Gather(x, (int[])shape.Clone(), source, op);
    }

    public static Tensor Transpose(Tensor x)
    {
        int rank = x.Shape.Length, rows = x.Shape[rank - 2], cols = x.Shape[rank - 1], block = rows * cols;
        var shape = (int[])x.Shape.Clone();
        (shape[rank - 2], shape[rank - 1]) = (cols, rows);
        var source = new int[x.SampleSize];
        for (int g = 0; g < x.SampleSize / block; g++)
            for (int j = 0; j < cols; j++)
                for (int i = 0; i < rows; i++) source[g * block + j * rows + i] = g * block + i * cols + j;
        return Gather(x, shape, source, "transpose");
    }

    public static Tensor SplitHeads(Tensor x, int heads)
    {
        int tokens = x.Shape[0], width = x.Shape[1], size = width / heads;
        var source = new int[x.SampleSize];
        for (int h = 0; h < heads; h++)
            for (int t = 0; t < tokens; t++)
                for (int d = 0; d < size; d++) source[(h * tokens + t) * size + d] = t * width + h * size + d;
        return Gather(x, [heads, tokens, size], source, "split_heads");
    }

    public static Tensor MergeHeads(Tensor x)
    {
        int heads = x.Shape[0], tokens = x.Shape[1], size = x.Shape[2], width = heads * size;
        var source = new int[x.SampleSize];
        for (int t = 0; t < tokens; t++)
            for (int h = 0; h < heads; h++)
                for (int d = 0; d < size; d++) source[t * width + h * size + d] = (h * tokens + t) * size + d;
        return Gather(x, [tokens, width], source, "merge_heads");
    }

    public static Tensor[] Unstack(Tensor x)
    {
        int n = x.Shape[0], size = x.SampleSize / n;
        var shape = x.Shape[1..];
        var parts = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            var source = new int[size];
            for (int j = 0; j < size; j++) source[j] = i * size + j;
            parts[i] = Gather(x, shape, source, "select");
        }
        return parts;
    }

    public static Tensor Stack(Tensor[] parts)
    {
        var first = parts[0];
        int size = first.SampleSize, n = parts.Length;
        foreach (var p in parts) EagerCheck.SameShape(first, p, "Stack");
        var y = new double[first.Batch * n * size];
        for (int b = 0; b < first.Batch; b++)
            for (int i = 0; i < n; i++) Array.Copy(parts[i].Data, b * size, y, (b * n + i) * size, size);
        return first.Session.Record(first.Batch, [n, .. first.Shape], y, parts, "stack", t =>
        {
            for (int i = 0; i < n; i++)
            {
                var dp = parts[i].GradBuffer();
                for (int b = 0; b < first.Batch; b++)
                    for (int j = 0; j < size; j++) dp[b * size + j] += t.Grad![(b * n + i) * size + j];
            }
        });
    }
}
