using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.GemmTestSupport;

namespace GraphGen.Runtime.Tests;

/// <summary>
/// Weight gradients over a long batch (Aᵀ·B, k ≥ <see cref="Gemm.DepthSliceMinK"/>) are cut into
/// depth slices: dW = ((P₀ + P₁) + P₂) + …, each Pₛ one chain in k order. The slices are defined by
/// the shape alone, so the bits are the same on every thread count and kernel.
/// </summary>
[Collection(GemmCollection.Name)]
public class GemmDepthSliceTests
{
    /// <summary>A TinyGpt weight gradient (k = 2048: 4 slices), a ragged depth (1500: 2 slices of 750), ragged edges, and the 8-slice cap.</summary>
    private static readonly (int M, int N, int K)[] Shapes = [(128, 128, 2048), (37, 45, 1500), (9, 70, 1031), (16, 16, 5000)];

    [Fact]
    public void SlicesAreTheShapesRowsOfTheBatch()
    {
        Assert.Equal(4, Slices(128, 128, 2048));
        Assert.Equal(2, Slices(37, 45, 1500));
        Assert.Equal(8, Slices(16, 16, 5000));
        Assert.Equal(1, Slices(128, 128, 1023));                        // a short batch: one chain
        Assert.Equal(1, Slices(2048, 1024, 2048));                     // partials above the cap
        Assert.Equal(1, Slices(128, 128, 2048, transA: false));        // not a weight gradient
        Assert.Equal(1, Slices(128, 128, 2048, transB: true));
        Assert.Equal((750, 1500), FixedSlices.Bounds(1500, 2, 1));
    }

    [Fact]
    public void IsTheSumOfTheSlicesInOrder()
    {
        var rng = new SeededRandom(61);
        foreach (var (m, n, k) in Shapes)
            foreach (bool accumulate in new[] { false, true })
            {
                var gemm = Case.Create(rng, transA: true, transB: false, m, n, k, accumulate, pad: 2);
                var sliced = gemm.Run();
                AssertClose(gemm, sliced, gemm.Reference(), gemm.Magnitude(), "sliced");
                Assert.Equal(SumOfSlices(gemm), sliced);
            }
    }

    [Fact]
    public void EveryThreadCountKernelAndPathGivesTheSameBits()
    {
        var rng = new SeededRandom(62);
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (var (m, n, k) in Shapes)
            {
                var gemm = Case.Create(rng, transA: true, transB: false, m, n, k, accumulate: true, pad: 1);
                Gemm.MaxThreads = 1;
                var one = gemm.Run();
                foreach (int threads in new[] { 2, 3, 8 })
                {
                    Gemm.MaxThreads = threads;
                    Assert.Equal(one, gemm.Run());
                }
                foreach (var kind in RunnableKernels())
                {
                    Gemm.ForcedKernel = kind;
                    try { Assert.Equal(one, gemm.Run()); }
                    finally { Gemm.ForcedKernel = null; }
                }
                if (Gemm.BestKernel == Gemm.KernelKind.Vector512)
                    foreach (bool inPlace in new[] { true, false })
                    {
                        Gemm.ForcedInPlace = inPlace;
                        try { Assert.Equal(one, gemm.Run()); }
                        finally { Gemm.ForcedInPlace = null; }
                    }
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        var rng = new SeededRandom(63);
        var gemm = Case.Create(rng, transA: true, transB: false, 128, 128, 2048, accumulate: false);
        var c = (float[])gemm.C0.Clone();
        void Call() => Gemm.Compute(true, false, 128, 128, 2048, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, c, gemm.Ldc, false);
        Call();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Call();
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static int Slices(int m, int n, int k, bool transA = true, bool transB = false) =>
        Gemm.DepthSlices(new Gemm.Problem { TransA = transA, TransB = transB, M = m, N = n, K = k });

    /// <summary>C (+)= ((P₀ + P₁) + …) with each Pₛ a separate unsliced GEMM over slice s's rows (each shorter than the slicing's minimum).</summary>
    private static float[] SumOfSlices(Case gemm)
    {
        int slices = Slices(gemm.M, gemm.N, gemm.K);
        Assert.True(slices > 1);
        float[]? sum = null;
        for (int s = 0; s < slices; s++)
        {
            var (first, end) = FixedSlices.Bounds(gemm.K, slices, s);
            Assert.True(end - first < Gemm.DepthSliceMinK);
            var p = new float[gemm.M * gemm.N];
            Gemm.Compute(true, false, gemm.M, gemm.N, end - first, gemm.A.AsSpan(first * gemm.Lda), gemm.Lda, gemm.B.AsSpan(first * gemm.Ldb), gemm.Ldb, p, gemm.N, false);
            if (sum is null) sum = p;
            else for (int i = 0; i < p.Length; i++) sum[i] += p[i];
        }
        var c = (float[])gemm.C0.Clone();
        for (int i = 0; i < gemm.M; i++)
            for (int j = 0; j < gemm.N; j++)
                c[i * gemm.Ldc + j] = gemm.Accumulate ? c[i * gemm.Ldc + j] + sum![i * gemm.N + j] : sum![i * gemm.N + j];
        return c;
    }
}
