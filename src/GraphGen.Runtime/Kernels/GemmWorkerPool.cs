using System.Diagnostics;

namespace GraphGen.Kernels;

/// <summary>
/// Persistent worker threads for <see cref="Gemm"/>. A call pins its spans, describes the
/// job in a static struct of pointers and hands each worker its part through a ticket: no
/// closure, task or delegate is allocated per call. Workers spin briefly after a job (GEMMs
/// of a training step come back to back) and then sleep on an event.
/// One job runs at a time; a caller that finds the pool busy computes alone on its own thread.
/// </summary>
internal static unsafe class GemmWorkerPool
{
    /// <summary>How long an idle worker spins before it sleeps (waking a sleeper costs tens of µs).</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    private static readonly object Gate = new();
    private static Worker[] s_workers = [];
    private static int s_ticket;
    private static int s_pending;
    private static Gemm.Problem s_problem;
    private static Gemm.Partition s_partition;
    private static Gemm.KernelKind s_kind;
    private static int s_barrierParties, s_barrierRemaining, s_barrierPhase;

    /// <summary>How many jobs the pool has run (tests check that large GEMMs really are split).</summary>
    internal static long JobsRun { get; private set; }

    /// <summary>
    /// Runs the parts of <paramref name="partition"/> on the caller (part 0) and on
    /// workers (parts 1..). Returns false, having done nothing, when another call holds the pool.
    /// </summary>
    public static bool TryRun(in Gemm.Problem problem, Gemm.KernelKind kind, in Gemm.Partition partition)
    {
        if (!Monitor.TryEnter(Gate)) return false;
        try
        {
            int helpers = partition.Parts - 1;
            EnsureWorkers(helpers);
            s_problem = problem;
            s_partition = partition;
            s_kind = kind;
            s_barrierParties = s_barrierRemaining = partition.Parts;
            Volatile.Write(ref s_pending, helpers);
            int ticket = Interlocked.Increment(ref s_ticket);
            for (int w = 0; w < helpers; w++) s_workers[w].Assign(ticket);

            try
            {
                Gemm.RunPart(in s_problem, s_kind, in s_partition, 0);
            }
            finally
            {
                // The workers read the caller's pinned memory: never leave before they are done.
                var spinner = new SpinWait();
                while (Volatile.Read(ref s_pending) != 0) spinner.SpinOnce(sleep1Threshold: -1);
            }
            JobsRun++;
            return true;
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    /// <summary>
    /// Waits until every part of the running job has called it (a phase-counting spin barrier:
    /// the last arrival re-arms the count, then releases the others by advancing the phase).
    /// </summary>
    public static void Barrier()
    {
        int phase = Volatile.Read(ref s_barrierPhase);
        if (Interlocked.Decrement(ref s_barrierRemaining) == 0)
        {
            s_barrierRemaining = s_barrierParties;
            Volatile.Write(ref s_barrierPhase, phase + 1);
            return;
        }
        var spinner = new SpinWait();
        while (Volatile.Read(ref s_barrierPhase) == phase) spinner.SpinOnce(sleep1Threshold: -1);
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
        private readonly int _part;
        private readonly ManualResetEventSlim _wake = new(false);
        private int _ticket;

        public Worker(int part)
        {
            _part = part;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"GraphGen GEMM worker {part}" };
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
                Gemm.RunPart(in s_problem, s_kind, in s_partition, _part);
                Interlocked.Decrement(ref s_pending);
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
