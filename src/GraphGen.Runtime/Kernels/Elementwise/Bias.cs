using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>The two halves of a bias: broadcast over rows (forward) and summed over rows (backward).</summary>
/// <remarks>
/// Both work on blocks of columns, each column by itself: a column's sum is one chain of adds in
/// row order starting from 0, whatever the vector width (16 or 8 lanes, a masked or scalar last
/// block), so the result is the same on every machine.
/// </remarks>
public static class Bias
{
    /// <summary>y[r, j] += bias[j] for every row r.</summary>
    public static unsafe void AddToRows(Span<float> y, ReadOnlySpan<float> bias, int rows, int cols)
    {
        Check("Bias.AddToRows", nameof(y), y.Length, nameof(bias), bias.Length, rows, cols);
        fixed (float* py = y, pb = bias)
        {
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; j <= cols - 16; j += 16)
                {
                    var b = Vector512.Load(pb + j);
                    for (int r = 0; r < rows; r++)
                    {
                        float* at = py + (nint)r * cols + j;
                        Vector512.Store(Vector512.Load(at) + b, at);
                    }
                }
            if (Vector256.IsHardwareAccelerated)
                for (; j <= cols - 8; j += 8)
                {
                    var b = Vector256.Load(pb + j);
                    for (int r = 0; r < rows; r++)
                    {
                        float* at = py + (nint)r * cols + j;
                        Vector256.Store(Vector256.Load(at) + b, at);
                    }
                }
            for (; j < cols; j++)
            {
                float b = pb[j];
                for (int r = 0; r < rows; r++) py[(nint)r * cols + j] += b;
            }
        }
    }

    /// <summary>
    /// dbias[j] (+)= Σ_r dy[r, j]: the gradient of a broadcast is the sum over the broadcast axis.
    /// The sum is completed before it meets the old value, so accumulating adds exactly what a
    /// write would have written.
    /// </summary>
    /// <remarks>
    /// A long batch (1024 rows or more: TinyGpt's 2048) is summed in the depth slices of the weight
    /// gradient beside it (<see cref="Gemm.DepthSliceCount"/>): each slice's column sums on the
    /// thread that wrote its rows, then the slices added in order, (((S₀ + S₁) + S₂) + …). Summed
    /// whole on the calling thread, half of dy came from the other core's cache: after the GEMM
    /// that wrote it, a 2048 × 512 sum took 147 µs longer than alone (86 µs). The slicing depends
    /// on the row count only, so the bits are the same for every thread count.
    /// </remarks>
    public static unsafe void SumRows(ReadOnlySpan<float> dy, Span<float> dbias, int rows, int cols, bool accumulate)
    {
        Check("Bias.SumRows", nameof(dy), dy.Length, nameof(dbias), dbias.Length, rows, cols);
        int slices = Gemm.DepthSliceCount(rows);
        fixed (float* pdy = dy, pdb = dbias)
        {
            if (slices == 1)
            {
                SumColumns(pdy, pdb, rows, cols, accumulate);
                return;
            }
            var partials = KernelWorkspace.ForCurrentThread().Partials(slices * cols);
            fixed (float* pp = partials)
            {
                var work = SliceSums.ForCurrentThread();
                work.Dy = pdy; work.Partials = pp; work.Rows = rows; work.Cols = cols; work.Slices = slices;
                WorkerPool.Run(work, slices, WorkerPool.ThreadsFor((long)rows * cols, ParallelMinFloats));
                var sum = new Span<float>(pp, cols);
                for (int s = 1; s < slices; s++) SpanMath.Add(new ReadOnlySpan<float>(pp + (nint)s * cols, cols), sum);
                SpanMath.CopyOrAdd(sum, new Span<float>(pdb, cols), accumulate);
            }
        }
    }

    /// <summary>Below this many floats a sliced sum stays on the calling thread.</summary>
    private const long ParallelMinFloats = 1L << 15;

    /// <summary>Part s: the column sums of slice s's rows into partial s.</summary>
    private sealed unsafe class SliceSums : ParallelWork
    {
        [ThreadStatic] private static SliceSums? t_instance;
        public float* Dy, Partials;
        public int Rows, Cols, Slices;

        public static SliceSums ForCurrentThread() => t_instance ??= new SliceSums();

        public override void RunPart(int slice)
        {
            var (first, end) = FixedSlices.Bounds(Rows, Slices, slice);
            SumColumns(Dy + (nint)first * Cols, Partials + (nint)slice * Cols, end - first, Cols, accumulate: false);
        }
    }

    /// <summary>sums[j] (+)= Σ_r dy[r, j], each column one chain of adds in row order from 0.</summary>
    private static unsafe void SumColumns(float* pdy, float* pdb, int rows, int cols, bool accumulate)
    {
        int j = 0;
        if (Avx512F.IsSupported)
        {
            // Four blocks of 16 columns at a time: four independent chains hide the add latency.
            for (; j <= cols - 64; j += 64)
            {
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                float* at = pdy + j;
                for (int r = 0; r < rows; r++, at += cols)
                {
                    s0 += Vector512.Load(at);
                    s1 += Vector512.Load(at + 16);
                    s2 += Vector512.Load(at + 32);
                    s3 += Vector512.Load(at + 48);
                }
                Store512(pdb + j, s0, accumulate);
                Store512(pdb + j + 16, s1, accumulate);
                Store512(pdb + j + 32, s2, accumulate);
                Store512(pdb + j + 48, s3, accumulate);
            }
            for (; j < cols; j += 16)
            {
                var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(cols - j)).AsSingle();
                Vector512<float> s = default;
                float* at = pdy + j;
                for (int r = 0; r < rows; r++, at += cols) s += Avx512F.MaskLoad(at, mask, Vector512<float>.Zero);
                if (accumulate) s = Avx512F.MaskLoad(pdb + j, mask, Vector512<float>.Zero) + s;
                Avx512F.MaskStore(pdb + j, mask, s);
            }
            return;
        }
        if (Vector256.IsHardwareAccelerated)
            for (; j <= cols - 8; j += 8)
            {
                Vector256<float> s = default;
                float* at = pdy + j;
                for (int r = 0; r < rows; r++, at += cols) s += Vector256.Load(at);
                if (accumulate) s = Vector256.Load(pdb + j) + s;
                Vector256.Store(s, pdb + j);
            }
        for (; j < cols; j++)
        {
            float s = 0f;
            for (int r = 0; r < rows; r++) s += pdy[(nint)r * cols + j];
            pdb[j] = accumulate ? pdb[j] + s : s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store512(float* at, Vector512<float> sum, bool accumulate) =>
        Vector512.Store(accumulate ? Vector512.Load(at) + sum : sum, at);

    private static void Check(string kernel, string matrixName, int matrixLength, string biasName, int biasLength, int rows, int cols)
    {
        KernelChecks.NotLess(rows, 0, kernel, nameof(rows));
        KernelChecks.NotLess(cols, 0, kernel, nameof(cols));
        KernelChecks.Length(matrixLength, kernel, matrixName, "[rows, cols]", rows, cols);
        KernelChecks.Length(biasLength, kernel, biasName, "[cols]", cols);
    }
}
