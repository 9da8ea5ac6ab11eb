namespace GraphGen.Distributed;

/// <summary>
/// The rows of a global batch that one rank computes: rank r of N takes the contiguous rows
/// ⌊r·B/N⌋ to ⌊(r+1)·B/N⌋ − 1 of a batch of B samples, so shards differ by at most one row and
/// their concatenation in rank order is the batch itself. Every rank sees the whole global batch
/// (the same seeded shuffle on every rank) and cuts out its own rows: no data moves.
/// </summary>
/// <remarks>
/// A final partial batch is cut the same way. When it has fewer samples than there are ranks,
/// some ranks get no rows: they contribute zero gradients with weight zero to that step.
/// </remarks>
/// <param name="Start">The first row of the shard in the global batch.</param>
/// <param name="Count">The number of rows (0 when the batch has fewer samples than there are ranks).</param>
public readonly record struct BatchShard(int Start, int Count)
{
    /// <summary>The shard of rank <paramref name="rank"/> of <paramref name="ranks"/> in a batch of <paramref name="batch"/> samples.</summary>
    public static BatchShard Of(int batch, int rank, int ranks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        if ((uint)rank >= (uint)ranks)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"A rank is from 0 to {ranks - 1}.");
        int start = (int)((long)rank * batch / ranks);
        int end = (int)((long)(rank + 1) * batch / ranks);
        return new BatchShard(start, end - start);
    }

    /// <summary>One past the last row.</summary>
    public int End => Start + Count;

    /// <summary>This shard's rows of a row-major batch with <paramref name="rowSize"/> values per sample.</summary>
    public ReadOnlySpan<TValue> Rows<TValue>(ReadOnlySpan<TValue> batch, int rowSize) => batch.Slice(Start * rowSize, Count * rowSize);

    /// <summary>
    /// The weight of this shard's mean loss in the global batch's mean loss: its share of the
    /// values the loss averages over. A loss that is a mean over <paramref name="scored"/> of the
    /// <paramref name="totalScored"/> values (samples, or class labels that are not ignored) has
    /// global mean = Σ_r (scored_r / totalScored) · mean_r, and so has its gradient. Zero when
    /// nothing is scored.
    /// </summary>
    public static float Weight(long scored, long totalScored)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(scored);
        if (scored > totalScored)
            throw new ArgumentOutOfRangeException(nameof(scored), scored, $"A shard cannot score more than the batch's {totalScored} values.");
        return totalScored == 0 ? 0f : (float)((double)scored / totalScored);
    }
}
