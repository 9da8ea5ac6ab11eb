using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.GemmTestSupport;

namespace GraphGen.Runtime.Tests;

/// <summary>Thread-count invariance, the thread settings, and zero allocation per call.</summary>
[Collection(GemmCollection.Name)]
public class GemmThreadingTests
{
    [Fact]
    public void ResultsAreBitwiseIdenticalForEveryThreadCount()
    {
        var rng = new SeededRandom(3);
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (var (m, n, k) in new[] { (300, 280, 270), (40, 700, 200), (517, 33, 129), (700, 13, 300), (64, 64, 64) })
                foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
                {
                    var gemm = Case.Create(rng, ta, tb, m, n, k, accumulate: true, pad: 1);
                    var bias = RandomMatrix(rng, 1, n, n);
                    float[] Run(int threads, bool epilogue)
                    {
                        Gemm.MaxThreads = threads;
                        var c = (float[])gemm.C0.Clone();
                        if (epilogue)
                            Gemm.Compute(ta, tb, m, n, k, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, c, gemm.Ldc, bias, new Sigmoid());
                        else
                            gemm.Run().CopyTo(c, 0);
                        return c;
                    }
                    foreach (bool epilogue in new[] { false, true })
                    {
                        var one = Run(1, epilogue);
                        Assert.Equal(one, Run(2, epilogue));
                        Assert.Equal(one, Run(3, epilogue));
                        Assert.Equal(one, Run(8, epilogue));
                    }
                }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Fact]
    public void LargeProblemsAreSplitAndSmallOnesAreNot()
    {
        var rng = new SeededRandom(9);
        var a = RandomMatrix(rng, 200, 200, 200);
        var c = new float[200 * 200];
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 2;
            long before = WorkerPool.JobsRun;
            Gemm.Multiply(a, a, c, 32, 32, 64);
            Assert.Equal(before, WorkerPool.JobsRun);
            Gemm.Multiply(a, a, c, 200, 200, 200);
            Assert.Equal(before + 1, WorkerPool.JobsRun);
            Gemm.MaxThreads = 1;
            Gemm.Multiply(a, a, c, 200, 200, 200);
            Assert.Equal(before + 1, WorkerPool.JobsRun);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Fact]
    public void MaxThreadsRejectsLessThanOne()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxThreads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxThreads = -3);
    }

    [Fact]
    public void EnvironmentVariableSetsTheDefault()
    {
        Assert.Equal(3, Gemm.ThreadsFromEnvironment("3"));
        Assert.Equal(Environment.ProcessorCount, Gemm.ThreadsFromEnvironment(null));
        Assert.Equal(Environment.ProcessorCount, Gemm.ThreadsFromEnvironment("0"));
        Assert.Equal(Environment.ProcessorCount, Gemm.ThreadsFromEnvironment("many"));
        Assert.Equal(Environment.ProcessorCount, Gemm.ThreadsFromEnvironment("-2"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SteadyStateCallsAllocateNothing(int threads)
    {
        var rng = new SeededRandom(6);
        var small = (a: RandomMatrix(rng, 32, 64, 64), w: RandomMatrix(rng, 32, 64, 64), y: new float[32 * 32]);
        var big = (a: RandomMatrix(rng, 256, 256, 256), b: RandomMatrix(rng, 256, 256, 256), c: new float[256 * 256]);
        var bias = RandomMatrix(rng, 1, 256, 256);
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = threads;
            void Calls()
            {
                Gemm.MultiplyTransposedB(small.a, small.w, small.y, 32, 32, 64);
                Gemm.MultiplyTransposedB(small.a, small.w, small.y, 32, 32, 64, bias.AsSpan(0, 32), new Relu());
                Gemm.MultiplyTransposedB(small.a.AsSpan(0, 64), small.w, small.y.AsSpan(0, 32), 1, 32, 64, bias.AsSpan(0, 32), new Sigmoid());
                Gemm.Multiply(big.a, big.b, big.c, 256, 256, 256);
                Gemm.MultiplyTransposedA(big.a, big.b, big.c, 256, 256, 256, accumulate: true);
                Gemm.MultiplyTransposedB(big.a, big.b, big.c, 256, 256, 256, bias, new Gelu());
                Gemm.Multiply(big.a, big.b, big.c, 256, 256, 256, new Tanh(), big.a);
            }
            Calls(); // warm-up: thread buffers, worker threads, JIT
            Assert.Equal(0, GraphGen.Tests.Allocations.InQuietestWindow(() => { for (int i = 0; i < 5; i++) Calls(); }));
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }
}
