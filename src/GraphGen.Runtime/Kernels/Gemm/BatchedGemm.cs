namespace GraphGen.Kernels;

/// <summary>
/// Many independent GEMMs laid out back to back, as attention needs per (sample, head):
/// C_i (+)= α·op(A_i)·op(B_i) for i &lt; count, with A_i at i·m·k, B_i at i·k·n and C_i at i·m·n
/// (op(A_i) is m×k, stored k×m when transposed; op(B_i) is k×n, stored n×k when transposed).
/// <code>
/// scores = Q·Kᵀ/√d          Multiply(B·H, false, true,  T, T, d, q, k, s, false, 1/√d)
/// out    = P·V               Multiply(B·H, false, false, T, d, T, p, v, o, false)
/// dP = dO·Vᵀ, dV = Pᵀ·dO, dQ = dS·K/√d, dK = dSᵀ·Q/√d   (the same call with other flags)
/// </code>
/// Each problem is one <see cref="Gemm.Compute(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, bool)"/>;
/// α ≠ 1 scales the product once it is complete (C = α·(AB), or C += α·(AB) through a scratch
/// tile), so α = 1/√d costs one pass over C. Problems run in parallel on <see cref="WorkerPool"/>,
/// one problem per part, each GEMM on that part's thread alone (
/// <see cref="SingleThreadedGemm"/>): every C_i is one fixed chain of multiply-adds per element,
/// so results do not depend on the thread count.
/// </summary>
public static class BatchedGemm
{
    private const long ParallelMinFlops = 1L << 20;

    /// <summary>C_i (+)= α·op(A_i)·op(B_i) for every i &lt; <paramref name="count"/> (see the class summary for the layout).</summary>
    public static unsafe void Multiply(int count, bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate, float alpha = 1f)
    {
        const string Kernel = "BatchedGemm.Multiply";
        KernelChecks.NotLess(count, 0, Kernel, nameof(count));
        KernelChecks.NotLess(m, 0, Kernel, nameof(m));
        KernelChecks.NotLess(n, 0, Kernel, nameof(n));
        KernelChecks.NotLess(k, 0, Kernel, nameof(k));
        KernelChecks.Length(a.Length, Kernel, nameof(a), transposeA ? "[count, k, m]" : "[count, m, k]", count, transposeA ? k : m, transposeA ? m : k);
        KernelChecks.Length(b.Length, Kernel, nameof(b), transposeB ? "[count, n, k]" : "[count, k, n]", count, transposeB ? n : k, transposeB ? k : n);
        KernelChecks.Length(c.Length, Kernel, nameof(c), "[count, m, n]", count, m, n);
        if (count == 0 || m == 0 || n == 0) return;
        // Problems in parallel, each GEMM on its worker's thread alone; a single problem
        // (or a small batch of them) is left to GEMM's own threads.
        long flops = 2L * m * n * k;
        int threads = count < 2 || flops * count < ParallelMinFlops ? 1 : Gemm.MaxThreads;
        fixed (float* pa = a, pb = b, pc = c)
        {
            var work = Work.ForCurrentThread();
            work.A = pa; work.B = pb; work.C = pc;
            work.TransposeA = transposeA; work.TransposeB = transposeB;
            work.M = m; work.N = n; work.K = k;
            work.Accumulate = accumulate; work.Alpha = alpha;
            work.OnThisThread = threads > 1;
            WorkerPool.Run(work, count, threads);
        }
    }

    /// <summary>Part i: problem i.</summary>
    private sealed unsafe class Work : ParallelWork
    {
        [ThreadStatic] private static Work? t_instance;
        public float* A, B, C;
        public bool TransposeA, TransposeB, Accumulate, OnThisThread;
        public int M, N, K;
        public float Alpha;

        public static Work ForCurrentThread() => t_instance ??= new Work();

        public override void RunPart(int i)
        {
            int sizeA = M * K, sizeB = K * N, sizeC = M * N;
            var a = new ReadOnlySpan<float>(A + (nint)i * sizeA, sizeA);
            var b = new ReadOnlySpan<float>(B + (nint)i * sizeB, sizeB);
            var c = new Span<float>(C + (nint)i * sizeC, sizeC);
            int lda = TransposeA ? M : K, ldb = TransposeB ? K : N;
            if (Alpha == 1f)
            {
                Multiply(a, lda, b, ldb, c, Accumulate);
            }
            else if (!Accumulate)
            {
                Multiply(a, lda, b, ldb, c, false);
                SpanMath.Scale(c, Alpha, c, false);
            }
            else
            {
                var product = KernelWorkspace.ForCurrentThread().Columns(sizeC);
                Multiply(a, lda, b, ldb, product, false);
                SpanMath.Scale(product, Alpha, c, true);
            }
        }

        private void Multiply(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, bool accumulate)
        {
            if (OnThisThread) SingleThreadedGemm.Compute(TransposeA, TransposeB, M, N, K, a, lda, b, ldb, c, N, accumulate);
            else Gemm.Compute(TransposeA, TransposeB, M, N, K, a, lda, b, ldb, c, N, accumulate);
        }
    }
}
