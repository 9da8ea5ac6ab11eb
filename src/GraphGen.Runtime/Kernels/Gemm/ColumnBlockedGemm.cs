namespace GraphGen.Kernels;

/// <summary>
/// <see cref="Gemm.Compute(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, bool)"/>
/// cut into column blocks small enough that GEMM runs each on the calling thread. Kernels that
/// already spread samples or problems over <see cref="WorkerPool"/> call this, so that one
/// level of threads owns the cores (a GEMM's own threads inside a worker would oversubscribe
/// them). Each element of C is still one chain of multiply-adds over k in order, so the result is
/// bitwise that of the whole GEMM.
/// </summary>
internal static class ColumnBlockedGemm
{
    /// <summary>
    /// GEMM threads a problem of 2·2²¹ FLOPs or more (it gives each thread at least 2²¹); blocks stay
    /// below. A coupling to GEMM's heuristic, documented here: if it changes, only speed is at stake.
    /// </summary>
    public const long SingleThreadFlops = (2L << 21) - 1;

    /// <summary>The micro-tile width: blocks are whole tiles where they can be.</summary>
    private const int Tile = 32;

    public static void Compute(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        long perColumn = Math.Max(1L, 2L * m * k);
        int block = (int)Math.Clamp(SingleThreadFlops / perColumn, 1, Math.Max(1, n));
        if (block < n && block >= Tile) block -= block % Tile;
        if (block >= n)
        {
            Gemm.Compute(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }
        for (int j = 0; j < n; j += block)
        {
            int width = Math.Min(block, n - j);
            var bj = transposeB ? b.Slice(j * ldb) : b.Slice(j);
            Gemm.Compute(transposeA, transposeB, m, width, k, a, lda, bj, ldb, c.Slice(j), ldc, accumulate);
        }
    }
}
