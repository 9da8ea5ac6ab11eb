using System.Globalization;
using GraphGen.Distributed.Mpi;

namespace GraphGen.Distributed;

/// <summary>
/// This process's membership of the MPI job that <c>mpirun -np N</c> started: its rank, the
/// number of ranks, and the few collective operations data-parallel training needs, each of
/// which gives up with a <see cref="RankTimeoutException"/> instead of hanging when another rank
/// dies or hangs. Every collective must be called by every rank, in the same order.
/// </summary>
/// <remarks>
/// One group per process: <see cref="Join"/> initialises MPI (MPI_Init_thread) and
/// <see cref="Dispose"/> finalises it, or, after a failed collective, aborts the whole job
/// (MPI_Abort) so that no rank waits forever on one that is gone. Calls may come from any
/// thread, one at a time (MPI_THREAD_SERIALIZED).
/// <para>
/// The sums are not MPI_Allreduce, whose summation order MPI leaves to the implementation (it
/// may change with the message size, the algorithm Open MPI picks, or the process layout). See
/// <see cref="SumInRankOrder"/>.
/// </para>
/// </remarks>
public sealed unsafe partial class MpiProcessGroup : IDisposable
{
    /// <summary>The environment variable with the collective timeout in seconds (default 120).</summary>
    public const string TimeoutVariable = "GRAPHGEN_MPI_TIMEOUT";

    /// <summary>The timeout when neither the caller nor <see cref="TimeoutVariable"/> sets one.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    private static readonly Lock s_gate = new();
    private static bool s_joined;

    private readonly OpenMpi _mpi;
    private readonly nint _world;
    private readonly PendingTransfers _transfers;
    private readonly Lock _callGate = new();
    private float[] _chunks = [];
    private TimeSpan _timeout;
    private string? _broken;
    private bool _disposed;

    private MpiProcessGroup(OpenMpi mpi, int rank, int size, TimeSpan timeout)
    {
        _mpi = mpi;
        _world = mpi.CommWorld;
        _transfers = new PendingTransfers(mpi, _world);
        Rank = rank;
        Size = size;
        Timeout = timeout;
    }

    /// <summary>This process's rank, 0 to <see cref="Size"/> − 1.</summary>
    public int Rank { get; }

    /// <summary>The number of processes in the job.</summary>
    public int Size { get; }

    /// <summary>True on rank 0: the rank whose initial parameters every rank starts from, and the one that writes checkpoints and logs.</summary>
    public bool IsRoot => Rank == 0;

    /// <summary>
    /// How long a collective waits for the other ranks before it throws
    /// <see cref="RankTimeoutException"/>. Settable between collectives, e.g. longer around a
    /// slow evaluation on some ranks, shorter once training runs in step.
    /// </summary>
    public TimeSpan Timeout
    {
        get => _timeout;
        set => _timeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The collective timeout must be positive.");
    }

    /// <summary>The MPI library's own description (MPI_Get_library_version).</summary>
    public string LibraryVersion => _mpi.LibraryVersion();

    /// <summary>True when this process was started by Open MPI's mpirun (it sets OMPI_COMM_WORLD_SIZE); checking it loads no library.</summary>
    public static bool LaunchedByMpirun => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null;

    /// <summary>
    /// <see cref="Join"/> when started by mpirun, else null: the same program then trains in one
    /// process and never loads libmpi.
    /// </summary>
    public static MpiProcessGroup? JoinIfLaunched(TimeSpan? timeout = null) => LaunchedByMpirun ? Join(timeout) : null;

    /// <summary>
    /// Loads Open MPI, initialises it and joins MPI_COMM_WORLD. <paramref name="timeout"/>
    /// defaults to <see cref="TimeoutVariable"/>, else <see cref="DefaultTimeout"/>.
    /// </summary>
    /// <exception cref="MpiException">libmpi is missing or not Open MPI, or MPI_Init failed.</exception>
    public static MpiProcessGroup Join(TimeSpan? timeout = null)
    {
        lock (s_gate)
        {
            if (s_joined)
                throw new InvalidOperationException("This process has already joined the MPI job (MPI is initialised once per process); keep the MpiProcessGroup that Join returned.");
            TimeSpan wait = timeout ?? TimeoutFromEnvironment();
            if (wait <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(timeout), wait, "The collective timeout must be positive.");
            var mpi = OpenMpi.Load();
            int initialized, provided, rank, size;
            Check(mpi, mpi.Initialized(&initialized), "MPI_Initialized");
            if (initialized == 0)
            {
                Check(mpi, mpi.InitThread(null, null, OpenMpi.ThreadSerialized, &provided), "MPI_Init_thread");
                if (provided < OpenMpi.ThreadSerialized)
                    throw new MpiException($"This Open MPI provides thread level {provided}; GraphGen needs MPI_THREAD_SERIALIZED ({OpenMpi.ThreadSerialized}), because .NET may continue a program on another thread.");
            }
            // Errors come back as return codes (and become MpiException) instead of killing the process without a word.
            Check(mpi, mpi.CommSetErrhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
            Check(mpi, mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
            Check(mpi, mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
            s_joined = true;
            var group = new MpiProcessGroup(mpi, rank, size, wait);
            // An unhandled exception must end the job at once: MPI_Finalize in the Dispose that the
            // unwinding may still run would wait for ranks that are waiting for this one.
            AppDomain.CurrentDomain.UnhandledException += (_, e) => group.MarkBroken($"unhandled {e.ExceptionObject.GetType().Name} on rank {group.Rank}");
            // A program that ends without disposing the group still leaves MPI cleanly.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => group.Dispose();
            return group;
        }
    }

    private static TimeSpan TimeoutFromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable(TimeoutVariable);
        if (string.IsNullOrEmpty(text)) return DefaultTimeout;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || !double.IsFinite(seconds))
            throw new ArgumentException($"{TimeoutVariable} must be a positive number of seconds, not '{text}'.");
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// Ends this process's part in the job: MPI_Finalize after a clean run; MPI_Abort (which ends
    /// every rank) when a collective failed, because the other ranks may be waiting on this one.
    /// </summary>
    public void Dispose()
    {
        lock (_callGate)
        {
            if (_disposed) return;
            _disposed = true;
            if (_broken is not null) AbortJob(_broken);
            Check(_mpi, _mpi.FinalizeMpi(), "MPI_Finalize");
        }
    }

    /// <summary>Prints <paramref name="reason"/> to standard error and ends every rank of the job (MPI_Abort with exit code 1).</summary>
    public void Abort(string reason)
    {
        lock (_callGate) AbortJob(reason);
    }

    private void AbortJob(string reason)
    {
        Console.Out.Flush();
        Console.Error.WriteLine($"MPI rank {Rank}: aborting the job: {reason}");
        Console.Error.Flush();
        _mpi.Abort(_world, 1);
        // MPI_Abort does not return; if a broken library did, do not carry on as if nothing happened.
        Environment.Exit(1);
    }

    private void MarkBroken(string reason)
    {
        lock (_callGate) _broken ??= reason;
    }

    // Every collective starts here (under _callGate): it refuses to run after an earlier failure.
    private void Enter(string operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_broken is not null)
            throw new InvalidOperationException($"MPI rank {Rank}: {operation} refused: an earlier collective failed ({_broken}). Dispose the group to end the job.");
    }

    // An exception filter on every collective: a failed one marks the group broken and prints why at
    // once (in case the exception is swallowed or the runtime dies first); it never catches.
    private bool Broke(Exception e)
    {
        if (e is RankTimeoutException or MpiException)
        {
            _broken = e.Message;
            Console.Error.WriteLine(e.Message);
            Console.Error.Flush();
        }
        return false;
    }

    private static void Check(OpenMpi mpi, int code, string call)
    {
        if (code != OpenMpi.Success)
            throw new MpiException($"{call} failed: {mpi.DescribeError(code)} (MPI error {code}).");
    }
}
