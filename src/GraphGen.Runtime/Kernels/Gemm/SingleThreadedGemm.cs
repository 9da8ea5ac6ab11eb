namespace GraphGen.Kernels;

/// <summary>
/// <see cref="Gemm.Compute(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, bool)"/>
/// on the calling thread alone, whatever its size. Kernels that already spread samples or problems
/// over <see cref="WorkerPool"/> call this, so that one level of threads owns the cores (a GEMM's
/// own threads inside a worker would oversubscribe them). Every element of C is the same chain of
/// multiply-adds over k in order as in a GEMM on any number of threads, so the result is bitwise
/// the same.
/// </summary>
/// <remarks>
/// This used to cut the GEMM into column blocks below the size at which <see cref="Gemm"/> starts
/// threads. For a convolution's per-sample product with a deep K (128→128, 3×3: m = 128,
/// k = 1152) that meant blocks of 14 columns, each repacking or re-reading all of A: the forward
/// ran at 223 GFLOP/s where the whole product on one thread runs at the GEMM's rate.
/// </remarks>
internal static class SingleThreadedGemm
{
    public static void Compute(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        using var _ = Gemm.OnCallingThread();
        Gemm.Compute(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }
}
