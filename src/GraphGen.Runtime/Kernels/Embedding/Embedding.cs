namespace GraphGen.Kernels;

/// <summary>
/// A lookup table of learned vectors (PyTorch's <c>nn.Embedding</c>): ids [positions] of token
/// indices stored as floats (exact up to 2²⁴), table [vocabulary, dimension], y [positions, dimension].
/// <code>
/// forward   y[t, :] = table[id_t, :]
/// backward  dtable[v, :] = Σ_{t : id_t = v} dy[t, :]     (rows no id names get 0)
/// </code>
/// The backward scatter-adds in position order, so a token used several times sums its
/// gradients in the same order on every call.
/// </summary>
public static class Embedding
{
    /// <summary>y[t, :] = table[id_t, :] for every position t; an id outside the vocabulary throws before anything is written.</summary>
    public static void Forward(ReadOnlySpan<float> ids, ReadOnlySpan<float> table, Span<float> y, int vocabulary, int dimension)
    {
        const string Kernel = "Embedding.Forward";
        Check(Kernel, ids, vocabulary, dimension, table.Length, nameof(table));
        KernelChecks.Length(y.Length, Kernel, nameof(y), "[positions, dimension]", ids.Length, dimension);
        for (int t = 0; t < ids.Length; t++)
            table.Slice((int)ids[t] * dimension, dimension).CopyTo(y.Slice(t * dimension, dimension));
    }

    /// <summary>dtable (+)= the scatter of dy onto the rows the ids name.</summary>
    public static void Backward(ReadOnlySpan<float> ids, ReadOnlySpan<float> dy, Span<float> dtable, int vocabulary, int dimension, bool accumulate)
    {
        const string Kernel = "Embedding.Backward";
        Check(Kernel, ids, vocabulary, dimension, dtable.Length, nameof(dtable));
        KernelChecks.Length(dy.Length, Kernel, nameof(dy), "[positions, dimension]", ids.Length, dimension);
        if (!accumulate) dtable.Slice(0, vocabulary * dimension).Clear();
        for (int t = 0; t < ids.Length; t++)
            SpanMath.Add(dy.Slice(t * dimension, dimension), dtable.Slice((int)ids[t] * dimension, dimension));
    }

    private static void Check(string kernel, ReadOnlySpan<float> ids, int vocabulary, int dimension, int tableLength, string tableName)
    {
        KernelChecks.NotLess(vocabulary, 1, kernel, nameof(vocabulary));
        KernelChecks.NotLess(dimension, 1, kernel, nameof(dimension));
        KernelChecks.Length(tableLength, kernel, tableName, "[vocabulary, dimension]", vocabulary, dimension);
        for (int t = 0; t < ids.Length; t++)
        {
            float id = ids[t];
            // !(id >= 0) also catches NaN; the floor test catches fractions.
            if (!(id >= 0f) || id >= vocabulary || id != MathF.Floor(id))
                throw new ArgumentOutOfRangeException(nameof(ids), id,
                    $"{kernel}: ids[{t}] = {id.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is not a token index (an integer in [0, {vocabulary})).");
        }
    }
}
