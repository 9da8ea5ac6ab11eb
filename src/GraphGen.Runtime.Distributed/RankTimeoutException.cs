namespace GraphGen.Distributed;

/// <summary>
/// Other ranks did not send (or did not take) their part of a collective operation within the
/// process group's timeout: they died, hang, or are far slower than this one. The group can no
/// longer communicate; disposing it ends the whole job (MPI_Abort), so no rank waits forever.
/// </summary>
public sealed class RankTimeoutException : Exception
{
    /// <summary>Creates the exception; the message names the ranks, the operation and the remedy.</summary>
    public RankTimeoutException(int rank, int size, string operation, IReadOnlyList<int> silentRanks, TimeSpan timeout)
        : base($"MPI rank {rank} of {size}: {operation}: rank{(silentRanks.Count == 1 ? "" : "s")} {string.Join(", ", silentRanks)} did not answer within {timeout.TotalSeconds:0.###} s. " +
               "They died, hang, wait in another collective (every rank must make the same calls in the same order: same program, data and batch size), " +
               "or are much slower than this rank (then raise the timeout: " + MpiProcessGroup.TimeoutVariable + "=seconds). " +
               "Training stops here; disposing the process group aborts the whole job.")
    {
        Rank = rank;
        Operation = operation;
        SilentRanks = silentRanks;
        Timeout = timeout;
    }

    /// <summary>The rank that gave up waiting.</summary>
    public int Rank { get; }

    /// <summary>The collective operation that did not complete.</summary>
    public string Operation { get; }

    /// <summary>The ranks whose messages did not arrive (or that did not take this rank's).</summary>
    public IReadOnlyList<int> SilentRanks { get; }

    /// <summary>How long this rank waited.</summary>
    public TimeSpan Timeout { get; }
}
