using System.Diagnostics;

namespace GraphGen.Kernels;

/// <summary>One job for <see cref="KernelWorkers"/>: numbered parts that may run on any thread, in any order.</summary>
/// <remarks>
/// A part must compute the same bits whichever thread runs it and whatever else runs beside it:
/// it writes only its own outputs (one sample, one slot of partial sums, ...). A kernel keeps one
/// instance per calling thread and refills its fields (pointers to pinned spans) on every call,
/// so a parallel call allocates nothing.
/// </remarks>
internal abstract class ParallelWork
{
    public abstract void RunPart(int part);
}

/// <summary>
/// Persistent worker threads for the kernels that are not a single GEMM (convolution over the
/// samples of a batch, batched attention GEMMs). Parts are claimed one at a time from a shared
/// counter by the caller and the workers alike, so the caller never waits for a sleeping worker
/// to start: if none comes, it runs every part itself. Which thread runs a part never changes
/// what the part computes, so results are bitwise identical for every thread count.
/// </summary>
/// <remarks>
/// The state word holds (ticket &lt;&lt; 32 | next part); a claim is a compare-and-swap on it,
/// so a worker that wakes late cannot claim a part of a later job: its ticket no longer matches.
/// One job runs at a time; a call that finds the pool busy (another thread's job, or a part that
/// itself calls a parallel kernel) runs its parts inline. The thread count is
/// <see cref="Gemm.MaxThreads"/> (environment variable <c>GRAPHGEN_THREADS</c>).
/// Idle workers spin for a short while, yielding the core to any other runnable thread (the GEMM
/// workers on a two-core machine), then sleep.
/// </remarks>
internal static class KernelWorkers
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 10000; // 100 µs

    private static int s_busy;
    private static long s_state;
    private static int s_parts;
    private static int s_done;
    private static int s_ticket;
    private static ParallelWork? s_work;
    private static Exception? s_failure;
    private static Worker[] s_workers = [];
    private static long s_workerParts;

    /// <summary>How many parts worker threads (not callers) have run since the process started: tests use it to see the pool at work.</summary>
    internal static long WorkerParts => Volatile.Read(ref s_workerParts);

    /// <summary>
    /// Runs parts 0..<paramref name="parts"/>−1 of <paramref name="work"/> on up to
    /// <paramref name="threads"/> threads (the caller included) and returns when all are done.
    /// </summary>
    public static void Run(ParallelWork work, int parts, int threads)
    {
        threads = Math.Min(threads, parts);
        if (threads <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int part = 0; part < parts; part++) work.RunPart(part);
            return;
        }
        try
        {
            EnsureWorkers(threads - 1);
            s_work = work;
            s_parts = parts;
            s_done = 0;
            s_failure = null;
            int ticket = s_ticket + 1;
            Volatile.Write(ref s_ticket, ticket);
            Interlocked.Exchange(ref s_state, (long)ticket << 32);
            for (int w = 0; w < threads - 1; w++) s_workers[w].Wake();

            Participate(ticket);
            var spinner = new SpinWait();
            while (Volatile.Read(ref s_done) != parts) spinner.SpinOnce(sleep1Threshold: -1);
            if (s_failure is { } failure)
                throw new AggregateException("A kernel part failed on a worker thread.", failure);
        }
        finally
        {
            s_work = null;
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>Claims and runs parts of job <paramref name="ticket"/> until none is left.</summary>
    private static void Participate(int ticket, bool worker = false)
    {
        while (true)
        {
            long state = Volatile.Read(ref s_state);
            int next = (int)state;
            // A stale s_parts can only be read once the state has moved on; the CAS then fails.
            if ((int)(state >> 32) != ticket || next >= Volatile.Read(ref s_parts)) return;
            if (Interlocked.CompareExchange(ref s_state, state + 1, state) != state) continue;
            try
            {
                s_work!.RunPart(next);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref s_failure, e, null);
            }
            if (worker) Interlocked.Increment(ref s_workerParts);
            Interlocked.Increment(ref s_done);
        }
    }

    private static void EnsureWorkers(int count)
    {
        if (s_workers.Length >= count) return;
        var grown = new Worker[count];
        Array.Copy(s_workers, grown, s_workers.Length);
        for (int w = s_workers.Length; w < count; w++) grown[w] = new Worker(w + 1);
        s_workers = grown;
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim _wake = new(false);

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"GraphGen kernel worker {index}" };
            thread.Start();
        }

        public void Wake() => _wake.Set();

        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                seen = WaitForTicket(seen);
                Participate(seen, worker: true);
            }
        }

        private int WaitForTicket(int seen)
        {
            long spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            for (int round = 0; ; round++)
            {
                int ticket = Volatile.Read(ref s_ticket);
                if (ticket != seen) return ticket;
                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    if ((round & 7) == 7) Thread.Yield();
                    else Thread.SpinWait(20);
                    continue;
                }
                // Reset, then look again: a Wake between the two is seen by the second look.
                _wake.Reset();
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref s_ticket) == seen) _wake.Wait();
                spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
