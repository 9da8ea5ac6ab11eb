namespace GraphGen.Eager;

/// <summary>Ops that move or reduce values: concatenation, sums, means, softmax.</summary>
internal static class EagerStructure
{
    /// <summary>Concatenation along the last axis.</summary>
    public static Tensor Concat(Tensor[] parts)
    {
        if (parts.Length == 0) throw new InvalidOperationException("Concat needs at least one tensor.");
        var first = parts[0];
        int rows = first.Data.Length / first.Shape[^1];
        int width = 0;
        foreach (var p in parts)
        {
            if (p.Batch != first.Batch || p.Data.Length / p.Shape[^1] != rows)
                throw new InvalidOperationException($"Concat: {p} does not match {first} except in the last axis.");
            width += p.Shape[^1];
        }
        var shape = (int[])first.Shape.Clone();
        shape[^1] = width;
        var y = new double[rows * width];
        int offset = 0;
        foreach (var p in parts)
        {
            int w = p.Shape[^1];
            for (int r = 0; r < rows; r++) Array.Copy(p.Data, r * w, y, r * width + offset, w);
            offset += w;
        }
        return first.Session.Record(first.Batch, shape, y, parts, "concat", t =>
        {
            int off = 0;
            foreach (var p in parts)
            {
                int w = p.Shape[^1];
                var dp = p.GradBuffer();
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < w; j++) dp[r * w + j] += t.Grad![r * width + off + j];
                off += w;
            }
        });
    }

    /// <summary>Sum (or mean) of each sample's values: shape [1] per sample.</summary>
    public static Tensor Reduce(Tensor x, bool mean)
    {
        int n = x.SampleSize;
        double scale = mean ? 1.0 / n : 1.0;
        var y = new double[x.Batch];
        for (int b = 0; b < x.Batch; b++)
        {
            double s = 0;
            for (int i = 0; i < n; i++) s += x.Data[b * n + i];
            y[b] = s * scale;
        }
        return x.Session.Record(x.Batch, [1], y, [x], mean ? "mean" : "sum", t =>
        {
            var dx = x.GradBuffer();
            for (int b = 0; b < x.Batch; b++)
                for (int i = 0; i < n; i++) dx[b * n + i] += t.Grad![b] * scale;
        });
    }

    /// <summary>Softmax over the last axis.</summary>
    public static Tensor Softmax(Tensor x)
    {
        int cols = x.Shape[^1], rows = x.Data.Length / cols;
        var y = new double[x.Data.Length];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < cols; j++) max = Math.Max(max, x.Data[r * cols + j]);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += y[r * cols + j] = Math.Exp(x.Data[r * cols + j] - max);
            for (int j = 0; j < cols; j++) y[r * cols + j] /= sum;
        }
        return x.Session.Record(x.Batch, x.Shape, y, [x], "softmax", t =>
        {
            var dx = x.GradBuffer();
            for (int r = 0; r < rows; r++)
            {
                double dot = 0;
                for (int j = 0; j < cols; j++) dot += t.Grad![r * cols + j] * y[r * cols + j];
                for (int j = 0; j < cols; j++) dx[r * cols + j] += y[r * cols + j] * (t.Grad![r * cols + j] - dot);
            }
        });
    }

    /// <summary>Softmax over rows of [.., T, T] blocks where row i sees only columns j ≤ i.</summary>
    public static Tensor CausalSoftmax(Tensor x)
    {
        int t = x.Shape[^1], rows = x.Data.Length / t;
        var y = new double[x.Data.Length];
        for (int r = 0; r < rows; r++)
        {
            int visible = r % t + 1;
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < visible; j++) max = Math.Max(max, x.Data[r * t + j]);
            for (int j = 0; j < visible; j++) sum += y[r * t + j] = Math.Exp(x.Data[r * t + j] - max);
            for (int j = 0; j < visible; j++) y[r * t + j] /= sum;
        }
        return x.Session.Record(x.Batch, x.Shape, y, [x], "causal_softmax", g =>
        {
            var dx = x.GradBuffer();
            for (int r = 0; r < rows; r++)
            {
                double dot = 0;
                for (int j = 0; j < t; j++) dot += g.Grad![r * t + j] * y[r * t + j];
                for (int j = 0; j < t; j++) dx[r * t + j] += y[r * t + j] * (g.Grad![r * t + j] - dot);
            }
        });
    }
}
