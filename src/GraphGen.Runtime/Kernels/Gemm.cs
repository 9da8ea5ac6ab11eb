namespace GraphGen.Kernels;

/// <summary>
/// Single-precision matrix multiply on row-major matrices: C = op(A)·op(B), or
/// C += op(A)·op(B) when <c>accumulate</c> is set. op(A) is m×k, op(B) is k×n, C is m×n.
/// The three forms a dense layer needs are named: forward Y = X·Wᵀ, input gradient
/// dX = dY·W, weight gradient dW = dYᵀ·X. No transpose is ever materialised.
/// </summary>
public static partial class Gemm
{
    /// <summary>C[m×n] (+)= A[m×k] · B[k×n].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false) =>
        Compute(false, false, m, n, k, a, k, b, n, c, n, accumulate);

    /// <summary>C[m×n] (+)= A[m×k] · Bᵀ, where B is stored n×k (a dense layer's [out, in] weight).</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false) =>
        Compute(false, true, m, n, k, a, k, b, k, c, n, accumulate);

    /// <summary>C[m×n] (+)= Aᵀ · B[k×n], where A is stored k×m (the weight gradient dYᵀ·X).</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false) =>
        Compute(true, false, m, n, k, a, m, b, n, c, n, accumulate);

    /// <summary>
    /// The general form with leading dimensions (row strides): A is m×k (lda ≥ k) or, when
    /// <paramref name="transposeA"/>, k×m (lda ≥ m); B is k×n (ldb ≥ n) or n×k (ldb ≥ k).
    /// </summary>
    public static void Compute(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        CheckArguments(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            return;
        }
        ComputeCore(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    internal static void CheckArguments(bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM dimensions must not be negative (m={m}, n={n}, k={k}).");
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        Check("A", aRows, aCols, aLength, lda);
        Check("B", bRows, bCols, bLength, ldb);
        Check("C", m, n, cLength, ldc);

        static void Check(string name, int rows, int cols, int length, int ld)
        {
            if (ld < cols && rows > 0)
                throw new ArgumentException($"GEMM: the row stride of {name} is {ld} but it has {cols} columns.");
            long needed = rows == 0 ? 0 : (long)(rows - 1) * ld + cols;
            if (length < needed)
                throw new ArgumentException($"GEMM: {name} is {rows}×{cols} with row stride {ld} and needs {needed} floats, but the span holds {length}.");
        }
    }
}
