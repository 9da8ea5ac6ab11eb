using System.Runtime.InteropServices;

namespace GraphGen.Distributed;

public sealed unsafe partial class MpiProcessGroup
{
    // One tag per kind of message. MPI delivers messages with the same (source, tag) in the order
    // they were sent, and every rank runs the same collectives in the same order, so a tag need
    // not carry a sequence number.
    private const int BroadcastTag = 1, GatherTag = 2, ReduceScatterTag = 3, SumGatherTag = 4, FullExchangeTag = 5;

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
            int offset = GatherOffset(mine, all, counts);
            try
            {
                mine.CopyTo(all.Slice(offset, mine.Length));
                fixed (float* result = all)
                {
                    PostGather(result, offset, mine.Length, counts);
                    _transfers.WaitAll(Timeout, Rank, Size, $"all-gather of {all.Length} floats");
                }
            }
            catch (Exception e) when (Broke(e)) { throw; }
        }
    }

    // Checks an all-gather's arguments; returns where this rank's part goes.
    private int GatherOffset(ReadOnlySpan<float> mine, Span<float> all, ReadOnlySpan<int> counts)
    {
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
        return (int)offset;
    }

    // Posts an all-gather into `all` (pinned by the caller until the wait), whose slot at `offset` already holds this rank's part.
    private void PostGather(float* all, int offset, int mineLength, ReadOnlySpan<int> counts)
    {
        long start = 0;
        for (int q = 0; q < Size; q++)
        {
            if (q != Rank)
            {
                _transfers.Receive(all + start, (long)counts[q] * sizeof(float), q, GatherTag);
                _transfers.Send(all + offset, (long)mineLength * sizeof(float), q, GatherTag);
            }
            start += counts[q];
        }
    }

    /// <summary>
    /// Every rank's <paramref name="value"/>, gathered in rank order on every rank: small
    /// agreements such as the replicas' fingerprints (<see cref="DataParallelNetwork{TTarget}.VerifyReplicas"/>).
    /// </summary>
    public ulong[] AllGather(ulong value)
    {
        var all = new ulong[Size];
        AllGather(MemoryMarshal.Cast<ulong, float>(new ReadOnlySpan<ulong>(in value)), MemoryMarshal.Cast<ulong, float>(all.AsSpan()), CountsOf(2));
        return all;
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

    /// <summary>Blocks until every rank has called it (or throws after the timeout, naming the ranks that did not).</summary>
    public void Barrier() => AllGather((ulong)Rank);

    private int[] CountsOf(int each)
    {
        var counts = new int[Size];
        Array.Fill(counts, each);
        return counts;
    }
}
