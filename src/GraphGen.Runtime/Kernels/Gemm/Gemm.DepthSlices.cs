namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// A weight gradient dW = dYᵀ·X over a long batch (A stored k×m, B stored k×n, k the batch's
    /// rows) is summed over at least this many rows before its depth is cut into slices.
    /// </summary>
    internal const int DepthSliceMinK = 1024;

    /// <summary>Rows of the batch per depth slice (the last slice takes the remainder).</summary>
    internal const int DepthSliceRows = 512;

    /// <summary>At most this many depth slices (their partial products are summed in order afterwards).</summary>
    internal const int MaxDepthSlices = 8;

    /// <summary>
    /// The depth slices of <paramref name="prob"/>, or 1 when it is one chain over all of k.
    /// <para>
    /// A weight gradient whose k is a long batch (TinyGpt's 2048 rows of 32 sequences) reads rows
    /// of dY and X that the kernels before it wrote, each thread its own run of rows. Split over
    /// threads by rows or columns of dW, every thread reads all k rows, half of them out of the
    /// other core's cache: measured after the LayerNorm backward that wrote its dY, a 128×128×2048
    /// weight gradient took 221 µs longer (67% more) than alone. Sliced by depth, the slices are
    /// dealt to the threads in the same contiguous runs as the rows were, and each thread reads
    /// what it wrote. The slicing depends on the shape only (k / <see cref="DepthSliceRows"/>),
    /// never on the thread count: dW = ((P₀ + P₁) + P₂) + … with Pₛ = dYₛᵀ·Xₛ, each Pₛ the usual
    /// chain of fused multiply-adds in k order, so every thread count and every kernel gives the
    /// same bits, and the partials meet an accumulated C only once complete.
    /// </para>
    /// Only products without an epilogue (a weight gradient has none) whose partials fit
    /// <see cref="MaxDepthPartialFloats"/>.
    /// </summary>
    internal static int DepthSlices(in Problem prob)
    {
        if (!prob.TransA || prob.TransB || prob.BiasOnly || !prob.Epilogue.IsNone) return 1;
        int slices = DepthSliceCount(prob.K);
        return (long)slices * prob.M * prob.N <= MaxDepthPartialFloats ? slices : 1;
    }

    /// <summary>The depth slices of a batch of <paramref name="k"/> rows: 1 below <see cref="DepthSliceMinK"/>, else k / <see cref="DepthSliceRows"/>, at most <see cref="MaxDepthSlices"/> (the bias sums beside a weight gradient use the same).</summary>
    internal static int DepthSliceCount(int k) => k < DepthSliceMinK ? 1 : Math.Min(MaxDepthSlices, k / DepthSliceRows);

    /// <summary>The most floats the partial products of one sliced GEMM take (16 MiB).</summary>
    internal const long MaxDepthPartialFloats = 4L << 20;

    /// <summary>C (+)= Σₛ Pₛ: the slices over the worker pool (each thread its contiguous run), then their sum in slice order.</summary>
    private static unsafe void RunDepthSlices(in Problem prob, KernelKind kind, int slices)
    {
        var buffers = GemmBuffers.ForCurrentThread();
        int size = prob.M * prob.N;
        float* partials = buffers.ReserveDepthPartials(slices * size);
        int threads = Math.Min(slices, ThreadsFor(2L * prob.M * prob.N * prob.K));
        var partition = new Partition { Parts = threads, DepthSlices = slices, DepthPartials = partials };
        if (threads < 2 || !WorkerPool.TryRun(in prob, kind, in partition))
            for (int s = 0; s < slices; s++) RunDepthSlice(in prob, kind, in partition, s, buffers);
        SumDepthSlices(in prob, partials, slices);
    }

    /// <summary>Pₛ = op(A)ₛ·Bₛ into its partial (m×n, contiguous), on this thread.</summary>
    private static unsafe void RunDepthSlice(in Problem prob, KernelKind kind, in Partition partition, int slice, GemmBuffers buffers)
    {
        var (first, end) = FixedSlices.Bounds(prob.K, partition.DepthSlices, slice);
        var part = prob;
        part.A = prob.A + first * prob.Lda;   // op(A)(i, p) = A[p·lda + i]: rows p of A
        part.B = prob.B + first * prob.Ldb;   // op(B)(p, j) = B[p·ldb + j]: rows p of B
        part.K = end - first;
        part.C = partition.DepthPartials + (nint)slice * prob.M * prob.N;
        part.Ldc = prob.N;
        part.Accumulate = false;
        if (kind == KernelKind.Vector512 && (ForcedInPlace ?? SuitsInPlace(in part))) InPlace512(in part, buffers);
        else RunBlock(in part, kind, direct: false);
    }

    /// <summary>
    /// C (+)= ((P₀ + P₁) + P₂) + …, row by row: runs of rows over the pool once the partials are
    /// large (TinyGpt's 512 × 128 products: 1 MiB of partials), each element the same sums in slice
    /// order whichever thread adds them.
    /// </summary>
    private static unsafe void SumDepthSlices(in Problem prob, float* partials, int slices)
    {
        var work = DepthSums.ForCurrentThread();
        work.Set(prob.C, prob.Ldc, prob.M, prob.N, prob.Accumulate, partials, slices);
        int parts = (prob.M + DepthSums.Rows - 1) / DepthSums.Rows;
        WorkerPool.Run(work, parts, t_onCallingThread ? 1 : WorkerPool.ThreadsFor((long)slices * prob.M * prob.N, DepthSums.ParallelMinFloats));
    }

    /// <summary>Part p: rows [p·Rows, (p + 1)·Rows) of <see cref="SumDepthSlices"/>.</summary>
    private sealed unsafe class DepthSums : ParallelWork
    {
        public const int Rows = 16;
        public const long ParallelMinFloats = 1L << 17;
        [ThreadStatic] private static DepthSums? t_instance;
        private float* _c, _partials;
        private nint _ldc;
        private int _m, _n, _slices;
        private bool _accumulate;

        public static DepthSums ForCurrentThread() => t_instance ??= new DepthSums();

        public void Set(float* c, nint ldc, int m, int n, bool accumulate, float* partials, int slices)
        {
            _c = c; _ldc = ldc; _m = m; _n = n; _accumulate = accumulate; _partials = partials; _slices = slices;
        }

        public override void RunPart(int part)
        {
            int n = _n;
            nint size = (nint)_m * n;
            for (int i = part * Rows, end = Math.Min(_m, i + Rows); i < end; i++)
            {
                var sum = new Span<float>(_partials + (nint)i * n, n);
                for (int s = 1; s < _slices; s++)
                    SpanMath.Add(new ReadOnlySpan<float>(_partials + s * size + (nint)i * n, n), sum);
                SpanMath.CopyOrAdd(sum, new Span<float>(_c + i * _ldc, n), _accumulate);
            }
        }
    }
}
