using GraphGen.Kernels;

namespace GraphGen.Runtime.Tests;

/// <summary>Random operands with padded rows, and the error bound of a float GEMM against the double reference.</summary>
internal static class GemmTestSupport
{
    public static readonly Gemm.KernelKind[] AllKernels =
        [Gemm.KernelKind.Vector512, Gemm.KernelKind.Vector256, Gemm.KernelKind.Scalar];

    /// <summary>The kernels this machine can run (forcing Vector512 elsewhere would fault).</summary>
    public static IEnumerable<Gemm.KernelKind> RunnableKernels() =>
        AllKernels.Where(k => k <= Gemm.BestKernel);

    public static float[] RandomMatrix(SeededRandom rng, int rows, int cols, int ld)
    {
        // Unused padding holds NaN: reading it anywhere would poison the result.
        var x = new float[rows == 0 ? 0 : (rows - 1) * ld + cols];
        Array.Fill(x, float.NaN);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) x[i * ld + j] = rng.NextUniform(-1f, 1f);
        return x;
    }

    /// <summary>One GEMM problem with random operands and strides; C starts random (for accumulate) with NaN padding.</summary>
    public sealed class Case
    {
        public required bool TransA, TransB, Accumulate;
        public required int M, N, K, Lda, Ldb, Ldc;
        public required float[] A, B, C0;

        public static Case Create(SeededRandom rng, bool transA, bool transB, int m, int n, int k, bool accumulate, int pad = 0)
        {
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
            return new Case
            {
                TransA = transA, TransB = transB, Accumulate = accumulate,
                M = m, N = n, K = k, Lda = lda, Ldb = ldb, Ldc = ldc,
                A = RandomMatrix(rng, aRows, aCols, lda),
                B = RandomMatrix(rng, bRows, bCols, ldb),
                C0 = RandomMatrix(rng, m, n, ldc),
            };
        }

        public float[] Run()
        {
            var c = (float[])C0.Clone();
            Gemm.Compute(TransA, TransB, M, N, K, A, Lda, B, Ldb, c, Ldc, Accumulate);
            return c;
        }

        public float[] Reference()
        {
            var c = (float[])C0.Clone();
            Gemm.Reference(TransA, TransB, M, N, K, A, Lda, B, Ldb, c, Ldc, Accumulate);
            return c;
        }

        /// <summary>
        /// Per element, Σ_p |a_ip·b_pj| (+ |c_ij| when accumulating): a chain of k fused
        /// multiply-adds in float is within about k·2⁻²⁴ of this from the exact sum.
        /// </summary>
        public float[] Magnitude()
        {
            var c = C0.Select(MathF.Abs).ToArray();
            Gemm.Reference(TransA, TransB, M, N, K, A.Select(MathF.Abs).ToArray(), Lda, B.Select(MathF.Abs).ToArray(), Ldb, c, Ldc, Accumulate);
            return c;
        }

        public override string ToString() =>
            $"{(TransA ? "Aᵀ" : "A")}·{(TransB ? "Bᵀ" : "B")} m={M} n={N} k={K} lda={Lda} ldb={Ldb} ldc={Ldc}{(Accumulate ? " +=" : "")}";
    }

    /// <summary>Asserts the live elements of C agree with the reference to the float error bound, and padding is untouched.</summary>
    public static void AssertClose(Case gemm, float[] actual, float[] expected, float[] magnitude, string context)
    {
        float tolerance = (gemm.K + 4) * 1.2e-7f;
        for (int i = 0; i < gemm.M; i++)
            for (int j = 0; j < gemm.N; j++)
            {
                int at = i * gemm.Ldc + j;
                float error = MathF.Abs(actual[at] - expected[at]);
                if (!(error <= tolerance * magnitude[at] + 1e-30f))
                    Assert.Fail($"{context} {gemm}: C[{i},{j}] = {actual[at]}, expected {expected[at]} (error {error}, bound {tolerance * magnitude[at]})");
            }
        for (int at = 0; at < actual.Length; at++)
            if (at % gemm.Ldc >= gemm.N && !float.IsNaN(actual[at]))
                Assert.Fail($"{context} {gemm}: padding at {at} was written");
    }
}
