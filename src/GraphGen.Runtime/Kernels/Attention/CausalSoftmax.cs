using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// Softmax over the rows of count blocks of [t, t] attention scores, where row i attends only to
/// columns j ≤ i (a decoder's causal mask, without materialising −∞ scores):
/// <code>
/// forward   y[i, j] = exp(s[i, j] − m_i) / Σ_{k ≤ i} exp(s[i, k] − m_i)  for j ≤ i,  m_i = max_{k ≤ i} s[i, k]
///           y[i, j] = 0                                                    for j &gt; i
/// backward  dx[i, j] = y[i, j]·(dy[i, j] − Σ_{k ≤ i} dy[i, k]·y[i, k])      for j ≤ i,  0 for j &gt; i
/// </code>
/// With a <c>scale</c> c (attention's 1/√d, fused by the generator): forward takes s = c·x, each
/// product rounded once as it is read, and backward multiplies its result by c, dx = c·(y ⊙ (dy − Σ dy·y)):
/// bit for bit the separate multiply before the forward and after the backward, without their
/// passes over the scores (which cost more than the softmax itself when the threads had split
/// the scores differently).
/// Exponentials are <see cref="VectorMath.Exp(Vector512{float})"/>. When t is a multiple of 16 each
/// row is whole vectors, masked at i; otherwise a row's ragged end is staged through a stack buffer
/// (so every value goes through the same code either way). Blocks run in parallel on
/// <see cref="WorkerPool"/>; each row is computed by one thread in one order.
/// </summary>
public static class CausalSoftmax
{
    private const long ParallelMinElements = 1L << 16;

    /// <summary>y = causal softmax of <paramref name="scores"/>: <paramref name="count"/> blocks of [t, t], row i over columns j ≤ i (the rest exactly 0).</summary>
    public static unsafe void Forward(int count, int t, ReadOnlySpan<float> scores, Span<float> y, float scale = 1f)
    {
        const string Kernel = "CausalSoftmax.Forward";
        Check(Kernel, count, t, scores.Length, nameof(scores), y.Length, nameof(y));
        fixed (float* ps = scores, py = y)
        {
            var work = Work.ForCurrentThread();
            work.Set(false, t, ps, null, py, false, scale);
            WorkerPool.Run(work, count, Threads(count, t));
        }
    }

    /// <summary>dx (+)= scale·(y ⊙ (dy − Σ_j dy_j·y_j)) per row of each block; masked entries (y = 0) get no gradient.</summary>
    public static unsafe void Backward(int count, int t, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate, float scale = 1f)
    {
        const string Kernel = "CausalSoftmax.Backward";
        Check(Kernel, count, t, y.Length, nameof(y), dx.Length, nameof(dx));
        KernelChecks.Length(dy.Length, Kernel, nameof(dy), "[count, t, t]", count, t, t);
        fixed (float* py = y, pdy = dy, pdx = dx)
        {
            var work = Work.ForCurrentThread();
            work.Set(true, t, py, pdy, pdx, accumulate, scale);
            WorkerPool.Run(work, count, Threads(count, t));
        }
    }

    private static int Threads(int count, int t) => WorkerPool.ThreadsFor((long)count * t * t, ParallelMinElements);

    private static void Check(string kernel, int count, int t, int inputLength, string inputName, int outputLength, string outputName)
    {
        KernelChecks.NotLess(count, 0, kernel, nameof(count));
        KernelChecks.NotLess(t, 1, kernel, nameof(t));
        KernelChecks.Length(inputLength, kernel, inputName, "[count, t, t]", count, t, t);
        KernelChecks.Length(outputLength, kernel, outputName, "[count, t, t]", count, t, t);
    }

    /// <summary>Row i of a block: the softmax of s[0..i], zeros after.</summary>
    private static unsafe void ForwardRow(float* s, float* y, int i, int t)
    {
        int live = i + 1;
        float sum = Exponentials(s, y, live, Max(s, live));
        SpanMath.Scale(new ReadOnlySpan<float>(y, live), 1f / sum, new Span<float>(y, live), accumulate: false);
        new Span<float>(y + live, t - live).Clear();
    }

    /// <summary>max_j s[j] (NaN if any is NaN, as <see cref="MathF.Max(float, float)"/>).</summary>
    private static unsafe float Max(float* s, int n)
    {
        float max = float.NegativeInfinity;
        int j = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var m = Vector512.Load(s);
            for (j = 16; j <= n - 16; j += 16) m = Vector512.Max(m, Vector512.Load(s + j));
            for (int l = 0; l < 16; l++) max = MathF.Max(max, m[l]);
        }
        for (; j < n; j++) max = MathF.Max(max, s[j]);
        return max;
    }

    /// <summary>
    /// y[j] = exp(s[j] − max) for j &lt; n, returning Σ y[j]: per-lane sums in index order, then the
    /// lanes in order (16 lanes with AVX-512, else 8).
    /// </summary>
    private static unsafe float Exponentials(float* s, float* y, int n, float max)
    {
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(max);
            var acc = Vector512<float>.Zero;
            int j = 0;
            for (; j <= n - 16; j += 16)
            {
                var e = VectorMath.Exp(Vector512.Load(s + j) - m);
                Vector512.Store(e, y + j);
                acc += e;
            }
            if (j < n)
            {
                // The ragged end goes through the same code on a staged copy. Lanes past it hold
                // max (exp(0) = 1, no underflow to slow subnormals) and are zeroed before the sum.
                float* stage = stackalloc float[16];
                int tail = n - j;
                Vector512.Store(m, stage);
                new ReadOnlySpan<float>(s + j, tail).CopyTo(new Span<float>(stage, tail));
                var live = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(tail)).AsSingle();
                var e = Vector512.ConditionalSelect(live, VectorMath.Exp(Vector512.Load(stage) - m), Vector512<float>.Zero);
                Vector512.Store(e, stage);
                new ReadOnlySpan<float>(stage, tail).CopyTo(new Span<float>(y + j, tail));
                acc += e;
            }
            for (int l = 0; l < 16; l++) sum += acc[l];
        }
        else
        {
            var m = Vector256.Create(max);
            var acc = Vector256<float>.Zero;
            int j = 0;
            for (; j <= n - 8; j += 8)
            {
                var e = VectorMath.Exp(Vector256.Load(s + j) - m);
                Vector256.Store(e, y + j);
                acc += e;
            }
            if (j < n)
            {
                float* stage = stackalloc float[8];
                int tail = n - j;
                Vector256.Store(m, stage);
                new ReadOnlySpan<float>(s + j, tail).CopyTo(new Span<float>(stage, tail));
                var live = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(tail)).AsSingle();
                var e = Vector256.ConditionalSelect(live, VectorMath.Exp(Vector256.Load(stage) - m), Vector256<float>.Zero);
                Vector256.Store(e, stage);
                new ReadOnlySpan<float>(stage, tail).CopyTo(new Span<float>(y + j, tail));
                acc += e;
            }
            for (int l = 0; l < 8; l++) sum += acc[l];
        }
        return sum;
    }

    /// <summary>Row i of a block's gradient.</summary>
    private static unsafe void BackwardRow(float* y, float* dy, float* dx, int i, int t, bool accumulate, float scale)
    {
        int live = i + 1;
        float dot = 0f;
        for (int j = 0; j < live; j++) dot += dy[j] * y[j];
        for (int j = 0; j < live; j++)
        {
            float g = y[j] * (dy[j] - dot) * scale;
            dx[j] = accumulate ? dx[j] + g : g;
        }
        if (!accumulate) new Span<float>(dx + live, t - live).Fill(0f * scale);
    }

    /// <summary>
    /// Row i when t is a whole number of 16-lane vectors (T = 64, 128, ...): only the vectors that
    /// hold columns ≤ i are read, the last one masked (j ≤ i), the rest of the row is written 0.
    /// No scalar loop and no staging: the exponentials of consecutive rows overlap in the pipeline.
    /// </summary>
    private static unsafe void ForwardRowVectors(float* s, float* y, int i, int t, float scale)
    {
        int vectors = i / 16 + 1;
        var limit = Vector512.Create(i);
        var c = Vector512.Create(scale);
        var max = Vector512.Create(float.NegativeInfinity);
        for (int v = 0; v < vectors; v++)
            max = Vector512.Max(max, Vector512.ConditionalSelect(Live(v, limit), Vector512.Load(s + 16 * v) * c, Vector512.Create(float.NegativeInfinity)));
        var m = Vector512.Create(LaneMax(max));
        var acc = Vector512<float>.Zero;
        for (int v = 0; v < vectors; v++)
        {
            // Masked lanes compute exp(max − max) = 1 (never an overflow or a subnormal) and are dropped.
            var x = Vector512.ConditionalSelect(Live(v, limit), Vector512.Load(s + 16 * v) * c, m);
            var e = Vector512.ConditionalSelect(Live(v, limit), VectorMath.Exp(x - m), Vector512<float>.Zero);
            Vector512.Store(e, y + 16 * v);
            acc += e;
        }
        var inv = Vector512.Create(1f / Vector512.Sum(acc));
        // Masked lanes stay exactly 0 even when the row is NaN (0·NaN would not be).
        for (int v = 0; v < vectors; v++)
            Vector512.Store(Vector512.ConditionalSelect(Live(v, limit), Vector512.Load(y + 16 * v) * inv, Vector512<float>.Zero), y + 16 * v);
        for (int v = vectors; v < t / 16; v++) Vector512.Store(Vector512<float>.Zero, y + 16 * v);
    }

    /// <summary>Row i of the gradient with whole vectors; masked entries are written 0 (or left as they are when accumulating).</summary>
    private static unsafe void BackwardRowVectors(float* y, float* dy, float* dx, int i, int t, bool accumulate, float scale)
    {
        var c = Vector512.Create(scale);
        int vectors = i / 16 + 1;
        var limit = Vector512.Create(i);
        var dot = Vector512<float>.Zero;
        for (int v = 0; v < vectors; v++)
            dot += Vector512.ConditionalSelect(Live(v, limit), Vector512.Load(dy + 16 * v) * Vector512.Load(y + 16 * v), Vector512<float>.Zero);
        var d = Vector512.Create(Vector512.Sum(dot));
        for (int v = 0; v < vectors; v++)
        {
            var g = Vector512.Load(y + 16 * v) * (Vector512.Load(dy + 16 * v) - d) * c;
            var old = Vector512.Load(dx + 16 * v);
            // Masked entries: 0·scale, as the separate multiply would write (−0 for a negative scale).
            Vector512.Store(Vector512.ConditionalSelect(Live(v, limit), accumulate ? old + g : g, accumulate ? old : Vector512<float>.Zero * c), dx + 16 * v);
        }
        if (!accumulate)
            for (int v = vectors; v < t / 16; v++) Vector512.Store(Vector512<float>.Zero * c, dx + 16 * v);
    }

    /// <summary>Lanes of vector v whose column 16·v + lane is ≤ i.</summary>
    private static Vector512<float> Live(int v, Vector512<int> limit) =>
        Vector512.LessThanOrEqual(Vector512<int>.Indices + Vector512.Create(16 * v), limit).AsSingle();

    /// <summary>The largest lane (NaN if any lane is NaN): exact, so the order of the tree does not matter.</summary>
    private static float LaneMax(Vector512<float> v)
    {
        var half = Vector256.Max(v.GetLower(), v.GetUpper());
        var quarter = Vector128.Max(half.GetLower(), half.GetUpper());
        quarter = Vector128.Max(quarter, Vector128.Shuffle(quarter, Vector128.Create(2, 3, 0, 1)));
        quarter = Vector128.Max(quarter, Vector128.Shuffle(quarter, Vector128.Create(1, 0, 3, 2)));
        return quarter.ToScalar();
    }

    /// <summary>Part b: block b, forward or backward.</summary>
    private sealed unsafe class Work : ParallelWork
    {
        [ThreadStatic] private static Work? t_instance;
        private bool _backward, _accumulate;
        private int _t;
        private float _scale;
        private float* _first, _second, _output;

        public static Work ForCurrentThread() => t_instance ??= new Work();

        public void Set(bool backward, int t, float* first, float* second, float* output, bool accumulate, float scale)
        {
            _backward = backward; _t = t; _first = first; _second = second; _output = output; _accumulate = accumulate; _scale = scale;
        }

        public override void RunPart(int block)
        {
            int t = _t;
            nint at = (nint)block * t * t;
            for (int i = 0; i < t; i++)
            {
                nint row = at + (nint)i * t;
                bool whole = t % 16 == 0 && Vector512.IsHardwareAccelerated;
                if (_backward)
                {
                    if (whole) BackwardRowVectors(_first + row, _second + row, _output + row, i, t, _accumulate, _scale);
                    else BackwardRow(_first + row, _second + row, _output + row, i, t, _accumulate, _scale);
                }
                else if (whole) ForwardRowVectors(_first + row, _output + row, i, t, _scale);
                else if (_scale == 1f) ForwardRow(_first + row, _output + row, i, t);
                else
                {
                    // The live scores scaled into a per-thread row, then the same code.
                    var scaled = KernelWorkspace.ForCurrentThread().Columns(i + 1);
                    fixed (float* ps = scaled)
                    {
                        for (int j = 0; j <= i; j++) ps[j] = _first[row + j] * _scale;
                        ForwardRow(ps, _output + row, i, t);
                    }
                }
            }
        }
    }
}
