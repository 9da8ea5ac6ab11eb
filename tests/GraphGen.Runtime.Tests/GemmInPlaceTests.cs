using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.GemmTestSupport;

namespace GraphGen.Runtime.Tests;

/// <summary>
/// The in-place AVX-512 path (A read where it lies, simple epilogues fused on the accumulators,
/// masked edges) against the reference, and bit for bit against the packed kernels, which it must
/// match exactly: each element is the same chain of fused multiply-adds in k order.
/// </summary>
[Collection(GemmCollection.Name)]
public class GemmInPlaceTests
{
    private const float Slope = 0.07f;

    private static readonly (bool TransA, bool TransB)[] Forms = [(false, false), (false, true), (true, false), (true, true)];

    /// <summary>Rows around the 8-row tiles, columns around the 16- and 32-wide panels, depths around the 256 K block.</summary>
    private static readonly (int M, int N, int K, int Pad)[] Shapes =
    [
        (1, 1, 1, 0), (2, 3, 5, 1), (7, 9, 13, 0), (8, 16, 16, 0), (9, 17, 31, 2), (15, 31, 64, 0), (16, 32, 255, 1),
        (17, 33, 256, 0), (23, 47, 257, 3), (32, 10, 32, 0), (32, 32, 64, 0), (40, 48, 520, 1), (64, 70, 100, 0),
        (65, 128, 10, 2), (70, 96, 300, 0), (130, 40, 77, 1),
    ];

    private static bool Runs => Gemm.BestKernel == Gemm.KernelKind.Vector512;

    [Fact]
    public void MatchesReferenceAndThePackedPathExactly()
    {
        if (!Runs) return;
        var rng = new SeededRandom(41);
        foreach (var (m, n, k, pad) in Shapes)
            foreach (var (ta, tb) in Forms)
                foreach (bool accumulate in new[] { false, true })
                {
                    var gemm = Case.Create(rng, ta, tb, m, n, k, accumulate, pad);
                    var inPlace = Forced(true, gemm.Run);
                    AssertClose(gemm, inPlace, gemm.Reference(), gemm.Magnitude(), "in place");
                    Assert.Equal(Forced(false, gemm.Run), inPlace);
                }
    }

    [Fact]
    public void EpiloguesMatchThePackedPathExactly()
    {
        if (!Runs) return;
        var rng = new SeededRandom(42);
        var activations = Enum.GetValues<ActivationName>();
        foreach (var (m, n, k, pad) in Shapes)
            foreach (var (ta, tb) in Forms)
                foreach (var activation in activations)
                {
                    var gemm = Case.Create(rng, ta, tb, m, n, k, accumulate: false, pad);
                    var bias = RandomMatrix(rng, 1, n, n);
                    var s = RandomMatrix(rng, m, n, gemm.Ldc);
                    foreach (bool withBias in new[] { true, false })
                    {
                        float[] Forward() => Run(gemm, c => ActivationCases.With(activation, Slope, new ForwardCall(gemm, ta, tb, c, withBias ? bias : [])));
                        var forward = Forced(true, Forward);
                        Assert.Equal(Forced(false, Forward), forward);
                        AssertPaddingUntouched(gemm, forward);
                    }
                    float[] Backward() => Run(gemm, c => ActivationCases.With(activation, Slope, new BackwardCall(gemm, ta, tb, c, s)));
                    var backward = Forced(true, Backward);
                    Assert.Equal(Forced(false, Backward), backward);
                    AssertPaddingUntouched(gemm, backward);
                }
    }

    [Fact]
    public void SplitsOverThreadsGiveTheSameBits()
    {
        if (!Runs) return;
        var rng = new SeededRandom(43);
        int saved = Gemm.MaxThreads;
        try
        {
            // Column chunks, row chunks, both, a narrow problem, and a fused epilogue.
            foreach (var (m, n, k) in new[] { (64, 128, 784), (200, 20, 300), (130, 70, 400), (256, 10, 1024), (8, 784, 700) })
                foreach (var (ta, tb) in Forms)
                {
                    var gemm = Case.Create(rng, ta, tb, m, n, k, accumulate: true, pad: 1);
                    var bias = RandomMatrix(rng, 1, n, n);
                    float[] Plain(int threads) { Gemm.MaxThreads = threads; return Forced(true, gemm.Run); }
                    float[] Fused(int threads)
                    {
                        Gemm.MaxThreads = threads;
                        return Forced(true, () => Run(gemm, c => Gemm.Compute(ta, tb, m, n, k, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, c, gemm.Ldc, bias, new Relu())));
                    }
                    var one = Plain(1);
                    var fusedOne = Fused(1);
                    foreach (int threads in new[] { 2, 3, 8 })
                    {
                        Assert.Equal(one, Plain(threads));
                        Assert.Equal(fusedOne, Fused(threads));
                    }
                }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Fact]
    public void LargeInPlaceProblemsUseThePool()
    {
        if (!Runs) return;
        var rng = new SeededRandom(44);
        var x = RandomMatrix(rng, 64, 784, 784);
        var w = RandomMatrix(rng, 128, 784, 784);
        var y = new float[64 * 128];
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 2;
            long before = WorkerPool.JobsRun;
            Forced(true, () => { Gemm.MultiplyTransposedB(x, w, y, 64, 128, 784); return y; });
            Assert.Equal(before + 1, WorkerPool.JobsRun);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Fact]
    public void Transpose512MatchesInterleave()
    {
        if (!Runs) return;
        var rng = new SeededRandom(45);
        foreach (int d in new[] { 16, 32 })
            foreach (int rows in new[] { 1, 5, 10, 16, 17, 31, 32 })
                foreach (int kc in new[] { 1, 7, 15, 16, 17, 33, 256 })
                {
                    if (rows > d) continue;
                    int ld = kc + 3;
                    var src = RandomMatrix(rng, rows, kc, ld);
                    // One float of NaN past each end: reading or writing beyond the panel would show.
                    var expected = new float[kc * d + 1];
                    var actual = new float[kc * d + 1];
                    expected[^1] = actual[^1] = float.NaN;
                    unsafe
                    {
                        fixed (float* s = src, e = expected, a = actual)
                        {
                            Gemm.Interleave(s, ld, rows, kc, d, e);
                            Gemm.Transpose512(s, ld, rows, kc, d, a);
                        }
                    }
                    Assert.Equal(expected, actual);
                }
    }

    private static float[] Run(Case gemm, Action<float[]> compute)
    {
        var c = (float[])gemm.C0.Clone();
        compute(c);
        return c;
    }

    private static float[] Forced(bool inPlace, Func<float[]> run)
    {
        Gemm.ForcedInPlace = inPlace;
        try
        {
            return run();
        }
        finally
        {
            Gemm.ForcedInPlace = null;
        }
    }

    private static void AssertPaddingUntouched(Case gemm, float[] c)
    {
        for (int at = 0; at < c.Length; at++)
            if (at % gemm.Ldc >= gemm.N && !float.IsNaN(c[at]))
                Assert.Fail($"{gemm}: padding at {at} was written");
    }

    private readonly record struct ForwardCall(Case Gemm, bool TransposeA, bool TransposeB, float[] C, float[] Bias) : IWithActivation
    {
        public void Run<TAct>(TAct activation) where TAct : struct, IActivation<TAct> =>
            GraphGen.Kernels.Gemm.Compute(TransposeA, TransposeB, Gemm.M, Gemm.N, Gemm.K, Gemm.A, Gemm.Lda, Gemm.B, Gemm.Ldb, C, Gemm.Ldc, Bias, activation);
    }

    private readonly record struct BackwardCall(Case Gemm, bool TransposeA, bool TransposeB, float[] C, float[] Source) : IWithActivation
    {
        public void Run<TAct>(TAct activation) where TAct : struct, IActivation<TAct> =>
            GraphGen.Kernels.Gemm.Compute(TransposeA, TransposeB, Gemm.M, Gemm.N, Gemm.K, Gemm.A, Gemm.Lda, Gemm.B, Gemm.Ldb, C, Gemm.Ldc, activation, Source);
    }
}
