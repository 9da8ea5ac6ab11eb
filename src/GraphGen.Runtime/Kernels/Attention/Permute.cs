namespace GraphGen.Kernels;

/// <summary>
/// The axis permutations of attention, each the other's backward (a permutation's gradient is
/// the inverse permutation of the upstream gradient). With <c>accumulate</c> the permuted values
/// are added to y instead of written.
/// </summary>
public static class Permute
{
    private const int Tile = 16;

    /// <summary>y[i, c, r] (+)= x[i, r, c]: [count, rows, cols] → [count, cols, rows] (Kᵀ per head). Its backward is SwapLastTwo(count, cols, rows, dy, dx).</summary>
    public static void SwapLastTwo(int count, int rows, int cols, ReadOnlySpan<float> x, Span<float> y, bool accumulate)
    {
        const string Kernel = "Permute.SwapLastTwo";
        KernelChecks.NotLess(count, 0, Kernel, nameof(count));
        KernelChecks.NotLess(rows, 0, Kernel, nameof(rows));
        KernelChecks.NotLess(cols, 0, Kernel, nameof(cols));
        KernelChecks.Length(x.Length, Kernel, nameof(x), "[count, rows, cols]", count, rows, cols);
        KernelChecks.Length(y.Length, Kernel, nameof(y), "[count, cols, rows]", count, cols, rows);
        int size = rows * cols;
        for (int i = 0; i < count; i++)
        {
            var xi = x.Slice(i * size, size);
            var yi = y.Slice(i * size, size);
            // Tiles of 16×16 keep both the rows read and the rows written in L1.
            for (int r0 = 0; r0 < rows; r0 += Tile)
                for (int c0 = 0; c0 < cols; c0 += Tile)
                {
                    int r1 = Math.Min(rows, r0 + Tile), c1 = Math.Min(cols, c0 + Tile);
                    for (int c = c0; c < c1; c++)
                    {
                        var yrow = yi.Slice(c * rows, rows);
                        for (int r = r0; r < r1; r++)
                            yrow[r] = accumulate ? yrow[r] + xi[r * cols + c] : xi[r * cols + c];
                    }
                }
        }
    }

    /// <summary>y[b, h, t, d] (+)= x[b, t, h·D + d]: [B, T, H·D] → [B, H, T, D]. Its backward is <see cref="MergeHeads"/>.</summary>
    public static unsafe void SplitHeads(int batch, int tokens, int heads, int headSize, ReadOnlySpan<float> x, Span<float> y, bool accumulate)
    {
        Check("Permute.SplitHeads", batch, tokens, heads, headSize, x.Length, y.Length, xIsSplit: false);
        fixed (float* px = x, py = y)
            RunHeads(split: true, batch, tokens, heads, headSize, px, py, accumulate);
    }

    /// <summary>y[b, t, h·D + d] (+)= x[b, h, t, d]: [B, H, T, D] → [B, T, H·D]. Its backward is <see cref="SplitHeads"/>.</summary>
    public static unsafe void MergeHeads(int batch, int tokens, int heads, int headSize, ReadOnlySpan<float> x, Span<float> y, bool accumulate)
    {
        Check("Permute.MergeHeads", batch, tokens, heads, headSize, x.Length, y.Length, xIsSplit: true);
        fixed (float* px = x, py = y)
            RunHeads(split: false, batch, tokens, heads, headSize, px, py, accumulate);
    }

    /// <summary>Tensors below this many floats are permuted on the caller (a hand-off costs about a microsecond).</summary>
    private const int ParallelMinFloats = 64 * 1024;

    /// <summary>Both head permutations as (batch, head) parts: part (b, h) moves T rows of D floats between the two layouts.</summary>
    private static unsafe void RunHeads(bool split, int batch, int tokens, int heads, int headSize, float* x, float* y, bool accumulate)
    {
        int parts = batch * heads;
        if (parts == 0) return;
        var work = HeadsWork.ForCurrentThread();
        work.Set(split, tokens, heads, headSize, x, y, accumulate);
        WorkerPool.Run(work, parts, WorkerPool.ThreadsFor((long)parts * tokens * headSize, ParallelMinFloats));
    }

    private sealed unsafe class HeadsWork : ParallelWork
    {
        [ThreadStatic] private static HeadsWork? t_instance;
        private bool _split, _accumulate;
        private int _tokens, _heads, _headSize;
        private float* _x, _y;

        public static HeadsWork ForCurrentThread() => t_instance ??= new HeadsWork();

        public void Set(bool split, int tokens, int heads, int headSize, float* x, float* y, bool accumulate)
        {
            _split = split; _tokens = tokens; _heads = heads; _headSize = headSize; _x = x; _y = y; _accumulate = accumulate;
        }

        public override void RunPart(int part)
        {
            int b = part / _heads, h = part % _heads, d = _headSize, width = _heads * d;
            // The merged layout [B, T, H·D]: head h of token t is D floats at ((b·T + t)·H + h)·D, rows width apart.
            float* merged = (_split ? _x : _y) + ((nint)b * _tokens * _heads + h) * d;
            // The split layout [B, H, T, D]: one contiguous T×D block.
            float* block = (_split ? _y : _x) + ((nint)b * _heads + h) * _tokens * d;
            for (int t = 0; t < _tokens; t++, merged += width, block += d)
            {
                var from = new ReadOnlySpan<float>(_split ? merged : block, d);
                var to = new Span<float>(_split ? block : merged, d);
                if (_accumulate) SpanMath.Add(from, to);
                else from.CopyTo(to);
            }
        }
    }

    private static void Check(string kernel, int batch, int tokens, int heads, int headSize, int xLength, int yLength, bool xIsSplit)
    {
        KernelChecks.NotLess(batch, 0, kernel, nameof(batch));
        KernelChecks.NotLess(tokens, 1, kernel, nameof(tokens));
        KernelChecks.NotLess(heads, 1, kernel, nameof(heads));
        KernelChecks.NotLess(headSize, 1, kernel, nameof(headSize));
        const string Split = "[batch, heads, tokens, headSize]", Merged = "[batch, tokens, heads, headSize]";
        KernelChecks.Length(xLength, kernel, "x", xIsSplit ? Split : Merged, batch, xIsSplit ? heads : tokens, xIsSplit ? tokens : heads, headSize);
        KernelChecks.Length(yLength, kernel, "y", xIsSplit ? Merged : Split, batch, xIsSplit ? tokens : heads, xIsSplit ? heads : tokens, headSize);
    }
}
