using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace GraphGen.Distributed;

public sealed unsafe partial class MpiProcessGroup
{
    // One tag per kind of message. MPI delivers messages with the same (source, tag) in the order
    // they were sent, and every rank runs the same collectives in the same order, so a tag need
    // not carry a sequence number.
    private const int BroadcastTag = 1, GatherTag = 2, ReduceScatterTag = 3, SumGatherTag = 4;

    /// <summary>Copies rank 0's <paramref name="values"/> into every rank's <paramref name="values"/> (rank 0 sends to each rank directly).</summary>
    public void Broadcast(Span<float> values)
    {
        lock (_callGate)
        {
            Enter("broadcast");
            try
            {
                fixed (float* data = values)
                {
                    long bytes = (long)values.Length * sizeof(float);
                    if (IsRoot)
                        for (int peer = 1; peer < Size; peer++) _transfers.Send(data, bytes, peer, BroadcastTag);
                    else
                        _transfers.Receive(data, bytes, 0, BroadcastTag);
                    _transfers.WaitAll(Timeout, Rank, Size, $"broadcast of {values.Length} floats from rank 0");
                }
            }
            catch (Exception e) when (Broke(e)) { throw; }
        }
    }

    /// <summary>
    /// Concatenates every rank's <paramref name="mine"/> in rank order into <paramref name="all"/>
    /// on every rank; rank q contributes <paramref name="counts"/>[q] floats (the same counts on
    /// every rank). <paramref name="mine"/> may be this rank's slot of <paramref name="all"/>.
    /// </summary>
    public void AllGather(ReadOnlySpan<float> mine, Span<float> all, ReadOnlySpan<int> counts)
    {
        lock (_callGate)
        {
            Enter("all-gather");
            if (counts.Length != Size)
                throw new ArgumentException($"AllGather needs one count per rank ({Size}), got {counts.Length}.", nameof(counts));
            long total = 0, offset = 0;
            for (int q = 0; q < Size; q++)
            {
                if (counts[q] < 0) throw new ArgumentOutOfRangeException(nameof(counts), counts[q], $"Rank {q}'s count is negative.");
                if (q < Rank) offset += counts[q];
                total += counts[q];
            }
            if (mine.Length != counts[Rank])
                throw new ArgumentException($"Rank {Rank} contributes {mine.Length} floats but counts[{Rank}] is {counts[Rank]}.", nameof(mine));
            if (all.Length != total)
                throw new ArgumentException($"The gathered values take {total} floats (the sum of the counts); the destination holds {all.Length}.", nameof(all));
            try
            {
                mine.CopyTo(all.Slice((int)offset, mine.Length));
                fixed (float* result = all)
                {
                    long start = 0;
                    for (int q = 0; q < Size; q++)
                    {
                        if (q != Rank)
                        {
                            _transfers.Receive(result + start, (long)counts[q] * sizeof(float), q, GatherTag);
                            _transfers.Send(result + offset, (long)mine.Length * sizeof(float), q, GatherTag);
                        }
                        start += counts[q];
                    }
                    _transfers.WaitAll(Timeout, Rank, Size, $"all-gather of {total} floats");
                }
            }
            catch (Exception e) when (Broke(e)) { throw; }
        }
    }

    /// <summary>
    /// Every rank's <paramref name="values"/> (8 bytes per rank), gathered in rank order: a
    /// fingerprint exchange for <see cref="ReplicaCheck"/>.
    /// </summary>
    public ulong[] AllGather(ulong value)
    {
        var all = new ulong[Size];
        AllGather(MemoryMarshal.Cast<ulong, float>(new ReadOnlySpan<ulong>(in value)), MemoryMarshal.Cast<ulong, float>(all.AsSpan()), CountsOf(2));
        return all;
    }

    /// <summary>
    /// Writes Σ over ranks of <paramref name="contribution"/> into <paramref name="total"/> on
    /// every rank, each element summed in rank order, (((x₀ + x₁) + x₂) + …), whatever the
    /// number of floats, the network or the run: the same bits every time for a given number of
    /// ranks. <paramref name="total"/> may be <paramref name="contribution"/> itself.
    /// </summary>
    /// <remarks>
    /// Reduce-scatter, then all-gather, both direct: the arena is cut into one chunk per rank;
    /// each rank sends chunk q to rank q and receives its own chunk from every rank, adds the N
    /// pieces in rank order, and sends the summed chunk to every rank. Each rank sends and
    /// receives 2(N − 1)/N of the arena, the same bytes as a ring allreduce, in two rounds of
    /// N − 1 concurrent messages (a ring takes 2(N − 1) rounds of one). MPI_Allreduce is not
    /// used because it does not fix the order of the additions.
    /// </remarks>
    public void SumInRankOrder(ReadOnlySpan<float> contribution, Span<float> total)
    {
        lock (_callGate)
        {
            Enter("sum");
            if (total.Length != contribution.Length)
                throw new ArgumentException($"The sum of {contribution.Length} floats needs a destination of the same length, not {total.Length}.", nameof(total));
            try
            {
                SumInRankOrderCore(contribution, total);
            }
            catch (Exception e) when (Broke(e)) { throw; }
        }
    }

    private void SumInRankOrderCore(ReadOnlySpan<float> contribution, Span<float> total)
    {
        int n = contribution.Length;
        long mineStart = ChunkStart(n, Rank);
        int mineLength = (int)(ChunkStart(n, Rank + 1) - mineStart);
        // One slot per rank for my chunk, own slot included, so that total may alias contribution.
        if (_chunks.Length < (long)Size * mineLength) _chunks = GC.AllocateArray<float>(Size * mineLength, pinned: true);
        contribution.Slice((int)mineStart, mineLength).CopyTo(_chunks.AsSpan(Rank * mineLength, mineLength));
        string what = $"sum of {n} floats";
        fixed (float* source = contribution)
        fixed (float* chunks = _chunks)
        {
            for (int q = 0; q < Size; q++)
            {
                if (q == Rank) continue;
                long start = ChunkStart(n, q);
                _transfers.Receive(chunks + (long)q * mineLength, (long)mineLength * sizeof(float), q, ReduceScatterTag);
                _transfers.Send(source + start, (ChunkStart(n, q + 1) - start) * sizeof(float), q, ReduceScatterTag);
            }
            _transfers.WaitAll(Timeout, Rank, Size, what + " (sending and receiving gradient chunks)");
        }
        // The rank-ordered sum of my chunk: one addition per element and rank, in this order.
        Span<float> mine = total.Slice((int)mineStart, mineLength);
        _chunks.AsSpan(0, mineLength).CopyTo(mine);
        for (int q = 1; q < Size; q++) TensorPrimitives.Add(mine, _chunks.AsSpan(q * mineLength, mineLength), mine);
        fixed (float* result = total)
        {
            for (int q = 0; q < Size; q++)
            {
                if (q == Rank) continue;
                long start = ChunkStart(n, q);
                _transfers.Receive(result + start, (ChunkStart(n, q + 1) - start) * sizeof(float), q, SumGatherTag);
                _transfers.Send(result + mineStart, (long)mineLength * sizeof(float), q, SumGatherTag);
            }
            _transfers.WaitAll(Timeout, Rank, Size, what + " (sending and receiving summed chunks)");
        }
    }

    /// <summary>
    /// MPI_Allreduce's sum (nonblocking, with the same timeout), whose order of additions MPI does
    /// not fix: only for measuring what the rank-ordered sum costs against it.
    /// </summary>
    internal void SumUnordered(Span<float> values)
    {
        lock (_callGate)
        {
            Enter("MPI sum");
            try
            {
                fixed (float* data = values)
                {
                    nint request;
                    int code = _mpi.Iallreduce((void*)1 /* MPI_IN_PLACE */, data, values.Length, _mpi.Float, _mpi.OpSum, _world, &request);
                    if (code != Mpi.OpenMpi.Success) throw new MpiException($"MPI_Iallreduce failed: {_mpi.DescribeError(code)} (MPI error {code}).");
                    _transfers.Add(request, IsRoot ? 1 : 0);
                    _transfers.WaitAll(Timeout, Rank, Size, $"MPI_Iallreduce of {values.Length} floats");
                }
            }
            catch (Exception e) when (Broke(e)) { throw; }
        }
    }

    /// <summary>The first element of rank <paramref name="rank"/>'s chunk of an arena of <paramref name="length"/> floats: ⌊rank·length/N⌋ (chunks differ by at most one float).</summary>
    internal long ChunkStart(int length, int rank) => (long)rank * length / Size;

    /// <summary>Blocks until every rank has called it (or throws after the timeout, naming the ranks that did not).</summary>
    public void Barrier() => AllGather((ulong)Rank);

    private int[] CountsOf(int each)
    {
        var counts = new int[Size];
        Array.Fill(counts, each);
        return counts;
    }
}
