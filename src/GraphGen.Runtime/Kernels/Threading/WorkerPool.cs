using System.Diagnostics;

namespace GraphGen.Kernels;

/// <summary>
/// The persistent worker threads of every parallel kernel: the chunks of one GEMM, or the parts
/// of a <see cref="ParallelWork"/> (convolution over samples, batched GEMMs, softmax blocks,
/// optimizer ranges). One pool, so that its threads, awake between the calls of a training step,
/// never compete with a second pool's for the cores. A call pins its spans, describes the job
/// in static fields (pointers, sizes, progress counters) and wakes the workers through a
/// ticket: no closure, task or delegate is allocated per call.
/// <para>
/// Work is claimed in chunks from shared counters (see <see cref="Gemm.RunShare"/>), so the
/// caller never waits for a thread that has not started: on a busy machine a worker may be
/// scheduled late, and then the caller simply does more of the chunks itself. The caller only
/// waits, at the end, for workers that have joined and are working. Which thread computes a
/// chunk never changes its bits (each element is one fixed chain of fused multiply-adds).
/// </para>
/// Workers spin briefly after a job (the calls of a training step come back to back) and then
/// sleep on an event. One job runs at a time; a call that finds the pool busy (another thread's
/// job, or a part of the running job that itself calls a parallel kernel) computes alone.
/// The thread count is <see cref="Gemm.MaxThreads"/> (environment variable <c>GRAPHGEN_THREADS</c>).
/// </summary>
internal static unsafe class WorkerPool
{
    /// <summary>How long an idle worker spins before it sleeps (waking a sleeper costs tens of µs).</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    /// <summary>The bit of <see cref="s_members"/> that closes a job to late workers.</summary>
    private const int Closed = 1 << 30;

    /// <summary>1 while a job runs: a flag, not a lock, so that a part calling a kernel on the caller's thread cannot re-enter.</summary>
    private static int s_busy;
    private static Worker[] s_workers = [];
    private static int s_ticket;
    /// <summary>Workers inside the current job, plus <see cref="Closed"/> once it is finished.</summary>
    private static int s_members = Closed;

    /// <summary>The running job: read by every participant after it has joined.</summary>
    internal static Gemm.Problem Problem;
    internal static Gemm.Partition Partition;
    internal static Gemm.KernelKind Kind;
    internal static Gemm.Progress Progress;

    /// <summary>Ints between two claim counters: one cache line, so owners do not share lines.</summary>
    internal const int CounterStride = 16;

    /// <summary>Claim counters of the running job, per owner of a run of chunks (see Gemm.Claims).</summary>
    internal static int[] PackClaims = [], ComputeClaims = [];

    /// <summary>How many jobs the pool has run (tests check that large GEMMs really are split).</summary>
    internal static long JobsRun { get; private set; }

    /// <summary>How many jobs of parallel work that is not a GEMM (an optimizer update) the pool has run.</summary>
    internal static long WorkJobsRun { get; private set; }

    private static long s_workerParts;

    /// <summary>How many parts of <see cref="ParallelWork"/> worker threads (not callers) have run: tests use it to see the pool at work.</summary>
    internal static long WorkerParts => Volatile.Read(ref s_workerParts);

    /// <summary>The first exception a worker met in the running job, rethrown by the caller.</summary>
    private static Exception? s_failure;

    /// <summary>
    /// Runs parts 0..<paramref name="parts"/>−1 of <paramref name="work"/> on up to
    /// <paramref name="threads"/> threads (the caller included), or all on the caller when the
    /// pool is busy, and returns when all are done.
    /// </summary>
    public static void Run(ParallelWork work, int parts, int threads)
    {
        if (threads > 1 && parts > 1 && TryRun(work, parts, threads)) return;
        for (int part = 0; part < parts; part++) work.RunPart(part);
    }

    /// <summary>
    /// The threads for a job of <paramref name="size"/> (floats, elements or FLOPs): one below
    /// <paramref name="parallelMinimum"/>, where handing parts to workers (about a microsecond)
    /// would cost more than it saves, else <see cref="Gemm.MaxThreads"/>.
    /// </summary>
    public static int ThreadsFor(long size, long parallelMinimum) => size < parallelMinimum ? 1 : Gemm.MaxThreads;

    /// <summary>Parts per thread for work split in ranges: a few, so that a late thread leaves little behind.</summary>
    public const int PartsPerThread = 4;

    /// <summary>Counts a part run by a worker thread (participant index above 0).</summary>
    internal static void CountWorkerPart(int participant)
    {
        if (participant != 0) Interlocked.Increment(ref s_workerParts);
    }

    /// <summary>
    /// Runs parts 0..<paramref name="parts"/>−1 of <paramref name="work"/> on the caller and up to
    /// <paramref name="threads"/> − 1 workers: elementwise work between the GEMMs of a training
    /// step (the optimizer's update) goes to the threads that are already awake for them, rather
    /// than to a second pool whose threads would compete with these for the cores. Returns false,
    /// having done nothing, when another call holds the pool.
    /// </summary>
    public static bool TryRun(ParallelWork work, int parts, int threads) =>
        TryRun(default, Gemm.KernelKind.Scalar, new Gemm.Partition { Parts = Math.Min(threads, parts), Work = work, WorkParts = parts });

    /// <summary>
    /// Runs <paramref name="partition"/> on the caller and up to Parts − 1 workers. Returns
    /// false, having done nothing, when another call holds the pool.
    /// </summary>
    public static bool TryRun(in Gemm.Problem problem, Gemm.KernelKind kind, in Gemm.Partition partition)
    {
        if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0) return false;
        try
        {
            int helpers = partition.Parts - 1;
            EnsureWorkers(helpers);
            Problem = problem;
            Partition = partition;
            Kind = kind;
            Progress = default;
            s_failure = null;
            Array.Clear(PackClaims);
            Array.Clear(ComputeClaims);
            Volatile.Write(ref s_members, 0); // open: publishes the job to workers that join
            int ticket = Interlocked.Increment(ref s_ticket);
            for (int w = 0; w < helpers; w++) s_workers[w].Assign(ticket);

            try
            {
                Gemm.RunShare(in Problem, Kind, in Partition, 0);
            }
            finally
            {
                // Close the job to late workers, then wait for those inside: they read the
                // caller's pinned memory. All chunks are done, so they are about to leave.
                Interlocked.Or(ref s_members, Closed);
                var spinner = new SpinWait();
                while (Volatile.Read(ref s_members) != Closed) spinner.SpinOnce(sleep1Threshold: -1);
            }
            if (Partition.Work == null) JobsRun++;
            else WorkJobsRun++;
            if (s_failure is { } failure)
                throw new AggregateException("A kernel part failed on a worker thread.", failure);
            return true;
        }
        finally
        {
            Partition.Work = null; // do not keep the caller's object alive
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>Enters the current job unless it is already finished.</summary>
    private static bool TryJoin()
    {
        while (true)
        {
            int members = Volatile.Read(ref s_members);
            if ((members & Closed) != 0) return false;
            if (Interlocked.CompareExchange(ref s_members, members + 1, members) == members) return true;
        }
    }

    private static void EnsureWorkers(int count)
    {
        if (PackClaims.Length < (count + 1) * CounterStride)
        {
            PackClaims = new int[(count + 1) * CounterStride];
            ComputeClaims = new int[(count + 1) * CounterStride];
        }
        if (s_workers.Length >= count) return;
        var grown = new Worker[count];
        Array.Copy(s_workers, grown, s_workers.Length);
        for (int w = s_workers.Length; w < count; w++) grown[w] = new Worker(w + 1);
        s_workers = grown;
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim _wake = new(false);
        private readonly int _index;
        private int _ticket;

        public Worker(int index)
        {
            _index = index;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"GraphGen GEMM worker {index}" };
            thread.Start();
        }

        public void Assign(int ticket)
        {
            Volatile.Write(ref _ticket, ticket);
            _wake.Set();
        }

        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                seen = WaitForTicket(seen);
                if (!TryJoin()) continue; // finished without us
                try
                {
                    // A worker woken for an earlier, wider job may find a narrower one running.
                    if (_index < Partition.Parts) Gemm.RunShare(in Problem, Kind, in Partition, _index);
                }
                catch (Exception e) when (Partition.Work != null)
                {
                    // A part of a ParallelWork (parts never wait for each other): the caller
                    // rethrows it. A GEMM chunk has no such path: its peers may be waiting for
                    // its packing, so a failure there stays unhandled rather than hang them.
                    Interlocked.CompareExchange(ref s_failure, e, null);
                }
                finally
                {
                    Interlocked.Decrement(ref s_members);
                }
            }
        }

        private int WaitForTicket(int seen)
        {
            long spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            while (true)
            {
                int ticket = Volatile.Read(ref _ticket);
                if (ticket != seen) return ticket;
                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                // Reset, then look again: an Assign between the two is seen by the second look.
                _wake.Reset();
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _ticket) == seen) _wake.Wait();
                spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
