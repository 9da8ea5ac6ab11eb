using System.Diagnostics;

namespace GraphGen.Distributed.Mpi;

/// <summary>
/// The nonblocking sends and receives of one communication step, and a wait for all of them
/// that gives up at a deadline instead of hanging: MPI's blocking calls wait forever for a
/// rank that hangs (or that died where the launcher did not notice), so every transfer here is
/// an MPI_Isend/MPI_Irecv polled with MPI_Test. Buffers must stay where they are until the wait
/// returns (pinned arrays or native memory).
/// </summary>
internal sealed unsafe class PendingTransfers
{
    private readonly OpenMpi _mpi;
    private readonly nint _comm;
    private nint[] _requests = new nint[8];
    private int[] _peers = new int[8];
    private int _count;

    public PendingTransfers(OpenMpi mpi, nint comm)
    {
        _mpi = mpi;
        _comm = comm;
    }

    /// <summary>Posts MPI_Irecv of <paramref name="bytes"/> bytes from <paramref name="source"/>.</summary>
    public void Receive(void* buffer, long bytes, int source, int tag)
    {
        int slot = Add(source);
        nint request;
        Check(_mpi.Irecv(buffer, Count(bytes), _mpi.Byte, source, tag, _comm, &request), "MPI_Irecv", source);
        _requests[slot] = request;
    }

    /// <summary>Posts MPI_Isend of <paramref name="bytes"/> bytes to <paramref name="destination"/>.</summary>
    public void Send(void* buffer, long bytes, int destination, int tag)
    {
        int slot = Add(destination);
        nint request;
        Check(_mpi.Isend(buffer, Count(bytes), _mpi.Byte, destination, tag, _comm, &request), "MPI_Isend", destination);
        _requests[slot] = request;
    }

    /// <summary>Registers an already started request (e.g. MPI_Iallreduce) with the peers it waits for.</summary>
    public void Add(nint request, int peer)
    {
        int slot = Add(peer);
        _requests[slot] = request;
    }

    /// <summary>
    /// Waits until every posted transfer has completed. Polls with MPI_Test (MPI progresses
    /// only inside its calls): yielding the core between polls for the first 20 ms, then sleeping
    /// 1 ms, so a rank that finished its shard early does not take the core a slower rank needs.
    /// Past <paramref name="timeout"/>, throws <see cref="RankTimeoutException"/> naming the ranks
    /// whose transfers are still open.
    /// </summary>
    public void WaitAll(TimeSpan timeout, int rank, int size, string operation)
    {
        long start = Stopwatch.GetTimestamp();
        long yieldUntil = start + Stopwatch.Frequency / 50;
        long deadline = start + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        int open = _count;
        while (true)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_requests[i] == 0) continue;
                int done;
                nint request = _requests[i];
                Check(_mpi.Test(&request, &done, null), "MPI_Test", _peers[i]);
                if (done == 0) continue;
                _requests[i] = 0;
                open--;
            }
            if (open == 0) break;
            long now = Stopwatch.GetTimestamp();
            if (now > deadline) throw new RankTimeoutException(rank, size, operation, OpenPeers(), timeout);
            if (now < yieldUntil) Thread.Yield();
            else Thread.Sleep(1);
        }
        _count = 0;
    }

    private List<int> OpenPeers()
    {
        var peers = new SortedSet<int>();
        for (int i = 0; i < _count; i++)
            if (_requests[i] != 0) peers.Add(_peers[i]);
        return [.. peers];
    }

    private int Add(int peer)
    {
        if (_count == _requests.Length)
        {
            Array.Resize(ref _requests, _count * 2);
            Array.Resize(ref _peers, _count * 2);
        }
        _peers[_count] = peer;
        _requests[_count] = 0;
        return _count++;
    }

    private static int Count(long bytes) =>
        bytes is >= 0 and <= int.MaxValue
            ? (int)bytes
            : throw new MpiException($"One message would carry {bytes} bytes; MPI counts are 32-bit. Use more ranks or a smaller network (the gradient arena is split into one chunk per rank).");

    private void Check(int code, string call, int peer)
    {
        if (code != OpenMpi.Success)
            throw new MpiException($"{call} with rank {peer} failed: {_mpi.DescribeError(code)} (MPI error {code}).");
    }
}
