using System.Numerics.Tensors;

namespace GraphGen.Distributed;

public sealed unsafe partial class MpiProcessGroup
{
    /// <summary>Arenas up to this many floats (64 KiB) are summed by full exchange whatever the number of ranks: one round beats two when latency dominates.</summary>
    internal const int FullExchangeLimit = 16 * 1024;

    /// <summary>
    /// Writes Σ over ranks of <paramref name="contribution"/> into <paramref name="total"/> on
    /// every rank, each element summed in rank order, (((x₀ + x₁) + x₂) + …): the same bits on
    /// every rank and in every run with the same number of ranks, whatever the arena's size.
    /// <paramref name="total"/> may be <paramref name="contribution"/> itself.
    /// </summary>
    /// <remarks>
    /// MPI_Allreduce is not used because MPI does not fix the order of its additions (it may
    /// change with the message size, the algorithm Open MPI picks, or the process layout). The
    /// ranks exchange data with point-to-point messages and do the additions themselves, in
    /// one of two ways that give the same bits, chosen by cost alone:
    /// <list type="bullet">
    /// <item>Reduce-scatter, then all-gather: the arena is cut into one chunk per rank; each rank
    /// sends chunk q to rank q, adds the N pieces of its own chunk in rank order and sends the
    /// summed chunk to every rank. Each rank sends and receives 2(N − 1)/N of the arena, the
    /// same bytes as a ring allreduce, in two rounds of N − 1 concurrent messages (a ring takes
    /// 2(N − 1) rounds of one).</item>
    /// <item>Full exchange, with two ranks or arenas of at most <see cref="FullExchangeLimit"/>
    /// floats: every rank sends its whole contribution to every other and adds all N. (N − 1)
    /// arenas per rank: with two ranks the same bytes as above, in one round instead of two.</item>
    /// </list>
    /// </remarks>
    public void SumInRankOrder(ReadOnlySpan<float> contribution, Span<float> total) =>
        SumInRankOrderAndGather(contribution, total, [], [], []);

    /// <summary>
    /// <see cref="SumInRankOrder"/> and, when <paramref name="gatherCounts"/> is not empty,
    /// <see cref="AllGather(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{int})"/> of
    /// <paramref name="mine"/> into <paramref name="all"/>, whose messages travel in the sum's
    /// first round: one round trip per training step with two ranks.
    /// </summary>
    internal void SumInRankOrderAndGather(ReadOnlySpan<float> contribution, Span<float> total, ReadOnlySpan<float> mine, Span<float> all, ReadOnlySpan<int> gatherCounts)
    {
        lock (_callGate)
        {
            Enter("sum");
            if (total.Length != contribution.Length)
                throw new ArgumentException($"The sum of {contribution.Length} floats needs a destination of the same length, not {total.Length}.", nameof(total));
            bool gather = !gatherCounts.IsEmpty;
            int offset = gather ? GatherOffset(mine, all, gatherCounts) : 0;
            try
            {
                if (gather) mine.CopyTo(all.Slice(offset, mine.Length));
                fixed (float* gathered = all)
                {
                    GatherRequest request = new(gathered, offset, mine.Length, gather);
                    if (Size == 2 || contribution.Length <= FullExchangeLimit) SumByFullExchange(contribution, total, request, gatherCounts);
                    else SumByReduceScatter(contribution, total, request, gatherCounts);
                }
            }
            catch (Exception e) when (Broke(e)) { throw; }
        }
    }

    // An all-gather to post with the sum's first round: `All` is pinned by the caller.
    private readonly struct GatherRequest(float* all, int offset, int mineLength, bool active)
    {
        public float* All { get; } = all;
        public int Offset { get; } = offset;
        public int MineLength { get; } = mineLength;
        public bool Active { get; } = active;
    }

    private void SumByFullExchange(ReadOnlySpan<float> contribution, Span<float> total, GatherRequest gather, ReadOnlySpan<int> gatherCounts)
    {
        int n = contribution.Length;
        // A slot per rank (own included, so that total may alias contribution).
        EnsureChunks((long)Size * n);
        contribution.CopyTo(_chunks.AsSpan(Rank * n, n));
        fixed (float* slots = _chunks)
        fixed (float* source = contribution)
        {
            for (int q = 0; q < Size; q++)
            {
                if (q == Rank) continue;
                _transfers.Receive(slots + (long)q * n, (long)n * sizeof(float), q, FullExchangeTag);
                _transfers.Send(source, (long)n * sizeof(float), q, FullExchangeTag);
            }
            if (gather.Active) PostGather(gather.All, gather.Offset, gather.MineLength, gatherCounts);
            _transfers.WaitAll(Timeout, Rank, Size, $"sum of {n} floats (exchanging contributions)");
        }
        AddInRankOrder(total, n);
    }

    private void SumByReduceScatter(ReadOnlySpan<float> contribution, Span<float> total, GatherRequest gather, ReadOnlySpan<int> gatherCounts)
    {
        int n = contribution.Length;
        int mineStart = ChunkStart(n, Rank);
        int mineLength = ChunkStart(n, Rank + 1) - mineStart;
        EnsureChunks((long)Size * mineLength);
        contribution.Slice(mineStart, mineLength).CopyTo(_chunks.AsSpan(Rank * mineLength, mineLength));
        fixed (float* slots = _chunks)
        fixed (float* source = contribution)
        {
            for (int q = 0; q < Size; q++)
            {
                if (q == Rank) continue;
                int start = ChunkStart(n, q);
                _transfers.Receive(slots + (long)q * mineLength, (long)mineLength * sizeof(float), q, ReduceScatterTag);
                _transfers.Send(source + start, (long)(ChunkStart(n, q + 1) - start) * sizeof(float), q, ReduceScatterTag);
            }
            if (gather.Active) PostGather(gather.All, gather.Offset, gather.MineLength, gatherCounts);
            _transfers.WaitAll(Timeout, Rank, Size, $"sum of {n} floats (sending and receiving chunks)");
        }
        AddInRankOrder(total.Slice(mineStart, mineLength), mineLength);
        fixed (float* result = total)
        {
            for (int q = 0; q < Size; q++)
            {
                if (q == Rank) continue;
                int start = ChunkStart(n, q);
                _transfers.Receive(result + start, (long)(ChunkStart(n, q + 1) - start) * sizeof(float), q, SumGatherTag);
                _transfers.Send(result + mineStart, (long)mineLength * sizeof(float), q, SumGatherTag);
            }
            _transfers.WaitAll(Timeout, Rank, Size, $"sum of {n} floats (sending and receiving summed chunks)");
        }
    }

    // destination = ((slot₀ + slot₁) + slot₂) + …: one addition per element and rank, in this order.
    private void AddInRankOrder(Span<float> destination, int length)
    {
        _chunks.AsSpan(0, length).CopyTo(destination);
        for (int q = 1; q < Size; q++) TensorPrimitives.Add(destination, _chunks.AsSpan(q * length, length), destination);
    }

    private void EnsureChunks(long floats)
    {
        if (floats > Array.MaxLength)
            throw new MpiException($"Summing needs {floats} floats of receive buffers on rank {Rank}, more than one array holds; the arena is too large for this number of ranks.");
        if (_chunks.Length < floats) _chunks = GC.AllocateArray<float>((int)floats, pinned: true);
    }

    /// <summary>The first element of rank <paramref name="rank"/>'s chunk of an arena of <paramref name="length"/> floats: ⌊rank·length/N⌋ (chunks differ by at most one float).</summary>
    internal int ChunkStart(int length, int rank) => (int)((long)rank * length / Size);
}
