using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.GemmTestSupport;

namespace GraphGen.Runtime.Tests;

/// <summary>The blocked GEMM against the double-precision reference, for every kernel this machine runs.</summary>
[Collection(GemmCollection.Name)]
public class GemmTests
{
    private static readonly int[] EdgeSizes = [0, 1, 2, 3, 5, 7, 13, 17, 31, 33, 63, 65, 127, 129, 257];

    public static TheoryData<bool, bool> Forms() => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory]
    [MemberData(nameof(Forms))]
    public void EdgeSizesMatchReference(bool transA, bool transB)
    {
        var rng = new SeededRandom(17);
        foreach (int s in EdgeSizes)
        {
            // Each edge size as every dimension in turn, against awkward partners.
            CheckAllKernels(Case.Create(rng, transA, transB, s, 37, 19, accumulate: false));
            CheckAllKernels(Case.Create(rng, transA, transB, 23, s, 41, accumulate: true, pad: 3));
            CheckAllKernels(Case.Create(rng, transA, transB, 29, 45, s, accumulate: false, pad: 1));
            CheckAllKernels(Case.Create(rng, transA, transB, s, s, s, accumulate: s % 2 == 1));
        }
    }

    [Fact]
    public void RandomShapesMatchReference()
    {
        var rng = new SeededRandom(2024);
        for (int trial = 0; trial < 60; trial++)
        {
            int m = rng.NextInt(150), n = rng.NextInt(150), k = rng.NextInt(150);
            CheckAllKernels(Case.Create(rng, rng.NextInt(2) == 1, rng.NextInt(2) == 1, m, n, k,
                accumulate: rng.NextInt(2) == 1, pad: rng.NextInt(3) == 0 ? rng.NextInt(20) : 0));
        }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void ShapesThatCrossEveryBlockBoundary(bool transA, bool transB)
    {
        // k > 2·KC (three K blocks), m > MC (two A blocks), n > NC (two B blocks), and a
        // size large enough to be split over threads; with padded strides and accumulate.
        var rng = new SeededRandom(99);
        CheckAllKernels(Case.Create(rng, transA, transB, 9, 11, 600, accumulate: true, pad: 5));
        CheckAllKernels(Case.Create(rng, transA, transB, 350, 40, 70, accumulate: false));
        CheckAllKernels(Case.Create(rng, transA, transB, 3, 4200, 5, accumulate: true, pad: 2));
        CheckAllKernels(Case.Create(rng, transA, transB, 181, 203, 300, accumulate: false, pad: 7));
        CheckAllKernels(Case.Create(rng, transA, transB, 700, 13, 400, accumulate: true, pad: 1)); // narrow and threaded
        CheckAllKernels(Case.Create(rng, transA, transB, 1, 4200, 300, accumulate: true, pad: 3)); // one row panel: direct
        CheckAllKernels(Case.Create(rng, transA, transB, 7, 600, 520, accumulate: false));
        foreach (int k in new[] { 1, 15, 16, 17, 31, 32, 33, 47, 1000 }) // one row: dot products with every tail
            CheckAllKernels(Case.Create(rng, transA, transB, 1, 7, k, accumulate: k % 2 == 0, pad: 2));
    }

    [Fact]
    public void NamedFormsMatchCompute()
    {
        var rng = new SeededRandom(5);
        int m = 37, n = 29, k = 41;
        var a = RandomMatrix(rng, m, k, k);
        var at = RandomMatrix(rng, k, m, m);
        var b = RandomMatrix(rng, k, n, n);
        var bt = RandomMatrix(rng, n, k, k);
        var c0 = RandomMatrix(rng, m, n, n);

        foreach (bool accumulate in new[] { false, true })
        {
            Assert.Equal(Via(false, false, a, k, b, n), Named(c => Gemm.Multiply(a, b, c, m, n, k, accumulate)));
            Assert.Equal(Via(false, true, a, k, bt, k), Named(c => Gemm.MultiplyTransposedB(a, bt, c, m, n, k, accumulate)));
            Assert.Equal(Via(true, false, at, m, b, n), Named(c => Gemm.MultiplyTransposedA(at, b, c, m, n, k, accumulate)));

            // The named forms must be exactly Compute with the layout they document.
            float[] Via(bool ta, bool tb, float[] x, int ldx, float[] y, int ldy)
            {
                var c = (float[])c0.Clone();
                Gemm.Compute(ta, tb, m, n, k, x, ldx, y, ldy, c, n, accumulate);
                return c;
            }
        }

        float[] Named(Action<float[]> gemm)
        {
            var c = (float[])c0.Clone();
            gemm(c);
            return c;
        }
    }

    [Fact]
    public void EveryKernelGivesTheSameBits()
    {
        // Each element is one chain of fused multiply-adds in k order in every kernel, so the
        // AVX-512, AVX2 and scalar kernels (and the small and blocked paths) agree exactly.
        var rng = new SeededRandom(8);
        var kinds = RunnableKernels().ToArray();
        foreach (var (m, n, k) in new[] { (32, 32, 64), (32, 10, 32), (33, 47, 300), (130, 70, 90), (400, 16, 700) })
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
            {
                var gemm = Case.Create(rng, ta, tb, m, n, k, accumulate: true, pad: 1);
                var results = kinds.Select(kind => { Gemm.ForcedKernel = kind; try { return gemm.Run(); } finally { Gemm.ForcedKernel = null; } }).ToArray();
                foreach (var r in results.Skip(1)) Assert.Equal(results[0], r);
            }
    }

    [Fact]
    public void ZeroSizedProblemsTouchNothingOrClear()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };
        Gemm.Multiply([], [], c, 2, 3, 0, accumulate: true);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, c);
        Gemm.Multiply([], [], c, 2, 3, 0);
        Assert.All(c, v => Assert.Equal(0f, v));
        c = [7, 8];
        Gemm.Multiply([], [1, 2, 3], c, 0, 3, 1);
        Gemm.Multiply([1, 2], [], c, 2, 0, 1);
        Assert.Equal(new float[] { 7, 8 }, c);
    }

    /// <summary>One reference computation, checked against every kernel this machine runs.</summary>
    private static void CheckAllKernels(Case gemm)
    {
        var expected = gemm.Reference();
        var magnitude = gemm.Magnitude();
        foreach (var kind in RunnableKernels())
        {
            Gemm.ForcedKernel = kind;
            try
            {
                AssertClose(gemm, gemm.Run(), expected, magnitude, kind.ToString());
            }
            finally
            {
                Gemm.ForcedKernel = null;
            }
        }
    }
}

/// <summary>GEMM tests change <see cref="Gemm.MaxThreads"/> and measure allocation: run them one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class GemmCollection
{
    public const string Name = "Gemm";
}
