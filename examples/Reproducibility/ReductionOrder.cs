namespace GraphGen.Examples.Reproducibility;

/// <summary>
/// Why results change with the thread count elsewhere: float addition is not associative,
/// (a + b) + c ≠ a + (b + c) in general, so a sum split differently over threads rounds
/// differently. These are the usual ways of summing the same numbers.
/// </summary>
public static class ReductionOrder
{
    /// <summary><paramref name="count"/> seeded values of very different sizes and both signs, as gradients are.</summary>
    public static float[] Values(int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            float magnitude = MathF.Pow(10f, random.NextUniform(-4f, 2f));
            values[i] = random.NextSingle() < 0.5f ? -magnitude : magnitude;
        }
        return values;
    }

    /// <summary>Left to right in float: ((x₀ + x₁) + x₂) + …</summary>
    public static float Sequential(ReadOnlySpan<float> values)
    {
        float sum = 0;
        foreach (float v in values) sum += v;
        return sum;
    }

    /// <summary>
    /// What a parallel reduction over <paramref name="parts"/> threads computes: each thread
    /// sums its contiguous share left to right, then the partial sums are added in thread
    /// order. Deterministic for a given thread count, but different for different counts.
    /// </summary>
    public static float Chunked(ReadOnlySpan<float> values, int parts)
    {
        float total = 0;
        for (int p = 0; p < parts; p++)
        {
            int start = (int)((long)values.Length * p / parts), end = (int)((long)values.Length * (p + 1) / parts);
            total += Sequential(values[start..end]);
        }
        return total;
    }

    /// <summary>
    /// A parallel reduction as often written: each of <paramref name="parts"/> workers adds its
    /// partial sum into the total when it finishes, so the partial sums are added in the order
    /// the threads happen to finish. Returns the distinct totals over every possible finishing
    /// order: any of them can come out of one run.
    /// </summary>
    public static float[] EveryCompletionOrder(ReadOnlySpan<float> values, int parts)
    {
        var partials = new float[parts];
        for (int p = 0; p < parts; p++)
        {
            int start = (int)((long)values.Length * p / parts), end = (int)((long)values.Length * (p + 1) / parts);
            partials[p] = Sequential(values[start..end]);
        }
        var totals = new SortedSet<float>();
        foreach (var order in Permutations(Enumerable.Range(0, parts).ToArray(), 0))
        {
            float total = 0;
            foreach (int p in order) total += partials[p];
            totals.Add(total);
        }
        return [.. totals];
    }

    private static IEnumerable<int[]> Permutations(int[] items, int from)
    {
        if (from == items.Length - 1) { yield return (int[])items.Clone(); yield break; }
        for (int i = from; i < items.Length; i++)
        {
            (items[from], items[i]) = (items[i], items[from]);
            foreach (var p in Permutations(items, from + 1)) yield return p;
            (items[from], items[i]) = (items[i], items[from]);
        }
    }

    /// <summary>The sum in double precision, rounded once to float: the reference the others are measured against.</summary>
    public static float Reference(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values) sum += v;
        return (float)sum;
    }
}
