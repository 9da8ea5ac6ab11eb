namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// One GEMM over pinned memory: C[m×n] = op(A)·op(B) (+ C), then the epilogue. The element
    /// accessors are op(A)(i, p) = transA ? A[p·lda + i] : A[i·lda + p] and
    /// op(B)(p, j) = transB ? B[j·ldb + p] : B[p·ldb + j].
    /// </summary>
    internal unsafe struct Problem
    {
        public float* A, B, C;
        public nint Lda, Ldb, Ldc;
        public bool TransA, TransB, Accumulate;
        /// <summary>
        /// The epilogue is C + bias and nothing else (a dense layer without activation): a full
        /// tile of the AVX-512 kernel adds it to its accumulators before storing them, the same
        /// single rounding as the pass over the stored tile, without that pass (~9% of a K = 128
        /// product). Here rather than in <see cref="Epilogue"/>, which the in-place kernels copy
        /// into every tile: one more field there made them measurably slower (this one fills padding).
        /// </summary>
        public bool BiasOnly;
        public int M, N, K;
        public Epilogue Epilogue;

        /// <summary>Address of op(A)(i, p).</summary>
        public readonly float* AAt(int i, int p) => TransA ? A + p * Lda + i : A + i * Lda + p;

        /// <summary>Address of op(B)(p, j).</summary>
        public readonly float* BAt(int p, int j) => TransB ? B + j * Ldb + p : B + p * Ldb + j;

        /// <summary>The rows×cols block of C whose top-left element is (i, j), with all of K.</summary>
        public readonly Problem Block(int i, int rows, int j, int cols)
        {
            var s = this;
            s.A = AAt(i, 0);
            s.B = BAt(0, j);
            s.C = C + i * Ldc + j;
            s.M = rows;
            s.N = cols;
            s.Epilogue = Epilogue.Offset(i, j);
            return s;
        }
    }
}
