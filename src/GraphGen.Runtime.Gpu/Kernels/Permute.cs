using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// The axis permutations of attention on the device (the CPU's <c>GraphGen.Kernels.Permute</c>),
/// each the other's backward. One thread per element of y, which it computes from the one element
/// of x it comes from: writes are contiguous, and with <c>accumulate</c> each y gains exactly one
/// addend, so the results equal the CPU's bit for bit.
/// </summary>
public static class Permute
{
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> SwapMethod = SwapKernel;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, HeadsShape> HeadsMethod = HeadsKernel;

    /// <summary>y[i, c, r] (+)= x[i, r, c]: [count, rows, cols] → [count, cols, rows] (Kᵀ per head). Its backward is SwapLastTwo(count, cols, rows, dy, dx).</summary>
    public static void SwapLastTwo(GpuDevice device, int count, int rows, int cols, ArrayView<float> x, ArrayView<float> y, bool accumulate)
    {
        const string Kernel = "Permute.SwapLastTwo";
        KernelChecks.NotLess(count, 0, Kernel, nameof(count));
        KernelChecks.NotLess(rows, 0, Kernel, nameof(rows));
        KernelChecks.NotLess(cols, 0, Kernel, nameof(cols));
        KernelChecks.Length(ViewLength.Of(x), Kernel, nameof(x), "[count, rows, cols]", count, rows, cols);
        KernelChecks.Length(ViewLength.Of(y), Kernel, nameof(y), "[count, cols, rows]", count, cols, rows);
        int total = count * rows * cols;
        if (total == 0) return;
        device.Kernel(SwapMethod.Method, a => a.LoadAutoGroupedStreamKernel(SwapMethod))(total, x, y, rows, cols, accumulate ? 1 : 0);
    }

    /// <summary>y[b, h, t, d] (+)= x[b, t, h·D + d]: [B, T, H·D] → [B, H, T, D]. Its backward is <see cref="MergeHeads"/>.</summary>
    public static void SplitHeads(GpuDevice device, int batch, int tokens, int heads, int headSize, ArrayView<float> x, ArrayView<float> y, bool accumulate) =>
        RunHeads(device, "Permute.SplitHeads", split: true, batch, tokens, heads, headSize, x, y, accumulate);

    /// <summary>y[b, t, h·D + d] (+)= x[b, h, t, d]: [B, H, T, D] → [B, T, H·D]. Its backward is <see cref="SplitHeads"/>.</summary>
    public static void MergeHeads(GpuDevice device, int batch, int tokens, int heads, int headSize, ArrayView<float> x, ArrayView<float> y, bool accumulate) =>
        RunHeads(device, "Permute.MergeHeads", split: false, batch, tokens, heads, headSize, x, y, accumulate);

    private static void RunHeads(GpuDevice device, string kernel, bool split, int batch, int tokens, int heads, int headSize, ArrayView<float> x, ArrayView<float> y, bool accumulate)
    {
        KernelChecks.NotLess(batch, 0, kernel, nameof(batch));
        KernelChecks.NotLess(tokens, 1, kernel, nameof(tokens));
        KernelChecks.NotLess(heads, 1, kernel, nameof(heads));
        KernelChecks.NotLess(headSize, 1, kernel, nameof(headSize));
        const string Split = "[batch, heads, tokens, headSize]", Merged = "[batch, tokens, heads, headSize]";
        KernelChecks.Length(ViewLength.Of(x), kernel, "x", split ? Merged : Split, batch, split ? tokens : heads, split ? heads : tokens, headSize);
        KernelChecks.Length(ViewLength.Of(y), kernel, "y", split ? Split : Merged, batch, split ? heads : tokens, split ? tokens : heads, headSize);
        int total = batch * tokens * heads * headSize;
        if (total == 0) return;
        device.Kernel(HeadsMethod.Method, a => a.LoadAutoGroupedStreamKernel(HeadsMethod))(total, x, y, new HeadsShape(split, tokens, heads, headSize, accumulate));
    }

    /// <summary>The sizes of a head permutation and its direction, passed to the kernel as one value.</summary>
    internal readonly struct HeadsShape(bool split, int tokens, int heads, int headSize, bool accumulate)
    {
        public readonly int Split = split ? 1 : 0, Tokens = tokens, Heads = heads, HeadSize = headSize, Accumulate = accumulate ? 1 : 0;
    }

    /// <summary>Element e of y = [count, cols, rows]: (i, c, r) reads x[i, r, c].</summary>
    private static void SwapKernel(Index1D e, ArrayView<float> x, ArrayView<float> y, int rows, int cols, int accumulate)
    {
        int size = rows * cols, i = e / size, at = e % size, c = at / rows, r = at % rows;
        float v = x[(long)i * size + (long)r * cols + c];
        y[e] = accumulate != 0 ? y[e] + v : v;
    }

    /// <summary>
    /// Element e of y. Split: y is [B, H, T, D] and (b, h, t, d) reads the merged x[b, t, h, d];
    /// merge: y is [B, T, H, D] and (b, t, h, d) reads the split x[b, h, t, d].
    /// </summary>
    private static void HeadsKernel(Index1D e, ArrayView<float> x, ArrayView<float> y, HeadsShape s)
    {
        int d = e % s.HeadSize, rest = e / s.HeadSize;
        long from;
        if (s.Split != 0)
        {
            int t = rest % s.Tokens, h = rest / s.Tokens % s.Heads, b = rest / s.Tokens / s.Heads;
            from = (((long)b * s.Tokens + t) * s.Heads + h) * s.HeadSize + d;
        }
        else
        {
            int h = rest % s.Heads, t = rest / s.Heads % s.Tokens, b = rest / s.Heads / s.Tokens;
            from = (((long)b * s.Heads + h) * s.Tokens + t) * s.HeadSize + d;
        }
        float v = x[from];
        y[e] = s.Accumulate != 0 ? y[e] + v : v;
    }
}
