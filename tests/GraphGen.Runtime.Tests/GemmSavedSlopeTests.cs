using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.GemmTestSupport;

namespace GraphGen.Runtime.Tests;

/// <summary>
/// The forward epilogue that saves its activation's slope, C = f(op(A)·op(B) + bias) and
/// D = f′(op(A)·op(B) + bias), and the backward epilogue that reads it back (<see cref="Saved{TAct}"/>):
/// against the steps they replace (the bias-only GEMM, then f and f′ of its output; the backward
/// epilogue evaluating f′ from the pre-activation), bit for bit, on every kernel this machine runs,
/// the in-place and packed paths, one thread and several.
/// </summary>
[Collection(GemmCollection.Name)]
public class GemmSavedSlopeTests
{
    /// <summary>Ragged tails, padded strides, the packed path (more rows than the in-place kernels take), several N blocks.</summary>
    private static readonly (bool TransA, bool TransB, int M, int N, int K, int Pad)[] Shapes =
        [(false, true, 5, 13, 7, 0), (false, false, 37, 45, 33, 3), (true, false, 29, 70, 40, 1), (false, true, 300, 70, 130, 0), (false, true, 150, 512, 128, 0)];

    [Fact]
    public void GeluSavesTheSlopeTheBackwardPassWouldHaveComputed() => Check<Gelu>(41);

    [Fact]
    public void SiluSavesTheSlopeTheBackwardPassWouldHaveComputed() => Check<Silu>(42);

    [Fact]
    public void SoftplusSavesTheSlopeTheBackwardPassWouldHaveComputed() => Check<Softplus>(43);

    private static void Check<TAct>(ulong seed) where TAct : struct, IForwardWithDerivative<TAct>
    {
        var rng = new SeededRandom(seed);
        int maxThreads = Gemm.MaxThreads;
        foreach (var (ta, tb, m, n, k, pad) in Shapes)
        {
            var gemm = Case.Create(rng, ta, tb, m, n, k, accumulate: false, pad);
            // Wide enough that f′ varies (GELU′ overshoots 1 near x = 1.5, and dips below 0).
            var bias = RandomMatrix(rng, 1, n, n).Select(v => 3 * v).ToArray();
            var dy = RandomMatrix(rng, m, k, k);
            var weight = RandomMatrix(rng, k, n, n);
            foreach (var kind in RunnableKernels())
                foreach (bool? inPlace in new bool?[] { null, false })
                    foreach (int threads in new[] { 1, maxThreads })
                    {
                        Gemm.ForcedKernel = kind;
                        Gemm.ForcedInPlace = inPlace;
                        Gemm.MaxThreads = threads;
                        try
                        {
                            string where = $"{typeof(TAct).Name} {kind} inPlace={inPlace} threads={threads} {gemm}";
                            var z = new float[gemm.C0.Length];
                            Gemm.Compute(ta, tb, m, n, k, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, z, gemm.Ldc, bias, new Identity());
                            var h = new float[z.Length];
                            Gemm.Compute(ta, tb, m, n, k, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, h, gemm.Ldc, bias, default(TAct));
                            var c = new float[z.Length];
                            var d = new float[z.Length];
                            Gemm.Compute(ta, tb, m, n, k, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, c, gemm.Ldc, bias, default(TAct), d);
                            for (int i = 0; i < m; i++)
                                for (int j = 0; j < n; j++)
                                {
                                    int at = i * gemm.Ldc + j;
                                    Assert.True(c[at].Equals(h[at]), $"{where}: C[{i},{j}] = {c[at]}, f alone gives {h[at]}");
                                    float slope = Slope<TAct>(kind, z[at]);
                                    Assert.True(d[at].Equals(slope), $"{where}: D[{i},{j}] = {d[at]}, f′(z) = {slope}");
                                }

                            // The backward epilogue: (dY·W) ⊙ f′(z), from z and from the saved slope.
                            var fromInput = new float[m * n];
                            Gemm.Compute(false, false, m, n, k, dy, k, weight, n, fromInput, n, default(TAct), Dense(z, m, n, gemm.Ldc));
                            var fromSlope = new float[m * n];
                            Gemm.Compute(false, false, m, n, k, dy, k, weight, n, fromSlope, n, new Saved<TAct>(), Dense(d, m, n, gemm.Ldc));
                            Assert.Equal(fromInput, fromSlope);
                        }
                        finally
                        {
                            Gemm.ForcedKernel = null;
                            Gemm.ForcedInPlace = null;
                            Gemm.MaxThreads = maxThreads;
                        }
                    }
        }
    }

    /// <summary>f′(z) at the width the kernel's epilogue works at: the vector forms share one algorithm, the scalar kernel uses the scalar form.</summary>
    private static float Slope<TAct>(Gemm.KernelKind kind, float z) where TAct : struct, IForwardWithDerivative<TAct> =>
        kind == Gemm.KernelKind.Scalar
            ? default(TAct).Derivative(z)
            : System.Runtime.Intrinsics.Vector256.GetElement(default(TAct).Derivative(System.Runtime.Intrinsics.Vector256.Create(z)), 0);

    private static float[] Dense(float[] x, int m, int n, int ld)
    {
        var dense = new float[m * n];
        for (int i = 0; i < m; i++) Array.Copy(x, i * ld, dense, i * n, n);
        return dense;
    }

    [Fact]
    public void ASavedDerivativeThatIsTooShortOrOverlapsCIsRefused()
    {
        var a = new float[4 * 3];
        var b = new float[3 * 5];
        var c = new float[4 * 5];
        var tooShort = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(a, b, c, 4, 5, 3, ReadOnlySpan<float>.Empty, new Gelu(), new float[19]));
        Assert.Contains("saved derivative D is 4×5", tooShort.Message);
        Assert.Contains("needs 20 floats", tooShort.Message);
        var shared = new float[30];
        var overlap = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(a, b, shared.AsSpan(0, 20), 4, 5, 3, ReadOnlySpan<float>.Empty, new Gelu(), shared.AsSpan(10, 20)));
        Assert.Contains("overlaps C", overlap.Message);
    }
}
