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
        WithThreads(2, () =>
        {
            // Run until the failing part lands on a worker (the caller may take every part when the worker is late).
            for (int attempt = 0; attempt < 200; attempt++)
            {
                var failing = new FailingWork(parts: 64, failOnWorkerOnly: true);
                try
                {
                    WorkerPool.Run(failing, 64, 2);
                }
                catch (AggregateException e)
                {
                    Assert.Contains("failed on a worker thread", e.Message);
                    Assert.IsType<InvalidOperationException>(e.InnerException);
                    var after = new CountingWork(50);
                    WorkerPool.Run(after, 50, 2);
                    Assert.All(after.Runs, runs => Assert.Equal(1, runs));
                    return 0;
                }
            }
            Assert.Fail("In 200 attempts no worker thread ran a part.");
            return 0;
        });
    }

    [Fact]
    public void AFailingPartOnTheCallerPropagatesAsItself()
    {
        WithThreads(2, () =>
        {
            var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(new FailingWork(parts: 8, failOnWorkerOnly: false, failingPart: 0, callerOnly: true), 8, 2));
            Assert.Contains("part 0", e.Message);
            return 0;
        });
    }

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

    private sealed class FailingWork(int parts, bool failOnWorkerOnly, int failingPart = -1, bool callerOnly = false) : ParallelWork
    {
        private readonly int _callerThread = Environment.CurrentManagedThreadId;

        public override void RunPart(int part)
        {
            bool onCaller = Environment.CurrentManagedThreadId == _callerThread;
            if (failOnWorkerOnly && !onCaller)
                throw new InvalidOperationException($"part {part} failed on purpose");
            if (callerOnly && onCaller && part == failingPart)
                throw new InvalidOperationException($"part {part} failed on purpose");
            if (part >= parts) throw new ArgumentOutOfRangeException(nameof(part));
            Thread.SpinWait(200); // long enough for a worker to join
        }
    }

    private sealed class GemmWork(float[] a, float[] b, int n, int parts) : ParallelWork
    {
        public readonly float[][] Results = Enumerable.Range(0, parts).Select(_ => new float[n * n]).ToArray();
        public override void RunPart(int part) => Gemm.Multiply(a, b, Results[part], n, n, n);
    }
}
