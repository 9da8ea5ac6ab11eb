using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// The one worker pool: every part runs exactly once, a failing part on a worker reaches the
/// caller, and a part that itself calls a parallel kernel (a GEMM inside a convolution's sample)
/// runs it alone instead of re-entering the running job. In the GEMM collection (changes
/// <see cref="Gemm.MaxThreads"/>).
/// </summary>
[Collection(GemmCollection.Name)]
public class WorkerPoolTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(2, 37)]
    [InlineData(5, 100)]
    public void EveryPartRunsExactlyOnce(int threads, int parts)
    {
        var work = new CountingWork(parts);
        WithThreads(threads, () =>
        {
            WorkerPool.Run(work, parts, threads);
            return 0;
        });
        Assert.All(work.Runs, runs => Assert.Equal(1, runs));
    }

    [Fact]
    public void AFailingPartOnAWorkerReachesTheCallerAndThePoolStaysUsable()
    {
        var e = FailureSeenByTheCaller(failOnWorker: true);
        var aggregate = Assert.IsType<AggregateException>(e);
        Assert.Contains("failed on a worker thread", aggregate.Message);
        Assert.IsType<InvalidOperationException>(aggregate.InnerException);
    }

    [Fact]
    public void AFailingPartOnTheCallerPropagatesAsItself()
    {
        var e = FailureSeenByTheCaller(failOnWorker: false);
        Assert.IsType<InvalidOperationException>(e);
        Assert.Contains("failed on purpose", e.Message);
    }

    /// <summary>
    /// Runs a job whose parts fail on one kind of thread until one such part has run (which thread
    /// takes which part depends on scheduling), returns what the caller caught, and checks that
    /// the pool then runs a job whole.
    /// </summary>
    private static Exception FailureSeenByTheCaller(bool failOnWorker) => WithThreads(2, () =>
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            var failing = new FailingWork(failOnWorker);
            var caught = Record.Exception(() => WorkerPool.Run(failing, 64, 2));
            if (caught == null) continue;
            var after = new CountingWork(50);
            WorkerPool.Run(after, 50, 2);
            Assert.All(after.Runs, runs => Assert.Equal(1, runs));
            return caught;
        }
        Assert.Fail($"In 200 attempts no part ran on a {(failOnWorker ? "worker" : "caller")} thread.");
        return null!;
    });

    [Fact]
    public void APartCallingAGemmRunsItWithoutReenteringTheJob()
    {
        const int n = 256; // large enough that the GEMM alone would be split over the pool
        var rng = new SeededRandom(5);
        var a = Random(rng, n * n);
        var b = Random(rng, n * n);
        var expected = new float[n * n];
        WithThreads(1, () =>
        {
            Gemm.Multiply(a, b, expected, n, n, n);
            return 0;
        });
        var work = new GemmWork(a, b, n, parts: 6);
        WithThreads(2, () =>
        {
            WorkerPool.Run(work, 6, 2);
            return 0;
        });
        foreach (var c in work.Results) Assert.Equal(expected, c);
    }

    private sealed class CountingWork(int parts) : ParallelWork
    {
        public readonly int[] Runs = new int[parts];
        public override void RunPart(int part) => Interlocked.Increment(ref Runs[part]);
    }

    /// <summary>Parts that throw when run on a worker thread, or on the calling thread.</summary>
    private sealed class FailingWork(bool failOnWorker) : ParallelWork
    {
        private readonly int _callerThread = Environment.CurrentManagedThreadId;

        public override void RunPart(int part)
        {
            bool onWorker = Environment.CurrentManagedThreadId != _callerThread;
            if (onWorker == failOnWorker) throw new InvalidOperationException($"part {part} failed on purpose");
            Thread.SpinWait(200); // long enough for the other thread to join
        }
    }

    private sealed class GemmWork(float[] a, float[] b, int n, int parts) : ParallelWork
    {
        public readonly float[][] Results = Enumerable.Range(0, parts).Select(_ => new float[n * n]).ToArray();
        public override void RunPart(int part) => Gemm.Multiply(a, b, Results[part], n, n, n);
    }
}
