using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// <see cref="Im2Col"/> for stride 2 with AVX-512, through a zero-padded copy of the group's planes
/// (Hp = H + 2·ph rows of Wp = W + 2·pw): every read or write of a tap is then inside the copy, so
/// a row of col is OW floats at stride sw from one place, with no bounds logic per row. Rows are
/// short (7–28 floats), so they move 16 lanes at a time with a masked last block; stride 2 takes
/// the even lanes of two loads with one two-source permute (and the fold spreads a row onto the
/// even lanes of the target and adds under a mask).
/// </summary>
internal static partial class Im2Col
{
    /// <summary>
    /// Stride 2 with AVX-512: FashionResNet's 16→32 3×3 stride-2 layer's input gradient (batch 64, one
    /// thread) 540–650 → 410–430 µs, its forward and weight gradient unchanged. At stride 1 the masked
    /// row adds of the fold ran 1.5× slower than the plain loops (LeNet conv2's input gradient 550 →
    /// 830 µs: masked loads of rows just stored), so stride 1 keeps them.
    /// </summary>
    private static bool UsePadded(in Conv2dShape s) => Avx512F.IsSupported && s.StrideW == 2;

    /// <summary>Floats past the padded planes that the stride-2 loads may touch (two 16-lane blocks).</summary>
    private const int Slack = 32;

    private readonly struct PaddedPlanes(in Conv2dShape s)
    {
        public readonly int Rows = s.InHeight + 2 * s.PadH, Columns = s.InWidth + 2 * s.PadW;
        public int Plane => Rows * Columns;
        public int Length(int channels) => channels * Plane + Slack;
    }

    private static unsafe void GatherPadded(in Conv2dShape s, ReadOnlySpan<float> xg, Span<float> col)
    {
        var pp = new PaddedPlanes(in s);
        int icg = s.GroupInChannels, ow = s.OutWidth, oh = s.OutHeight;
        var padded = KernelWorkspace.ForCurrentThread().Padded(pp.Length(icg));
        padded.Clear();
        fixed (float* x = xg, xp = padded, c = col)
        {
            for (int ic = 0; ic < icg; ic++)
                for (int h = 0; h < s.InHeight; h++)
                    ConvDirect.CopyRow(x + ((nint)ic * s.InHeight + h) * s.InWidth, xp + (nint)ic * pp.Plane + (h + s.PadH) * pp.Columns + s.PadW, s.InWidth);
            float* target = c;
            for (int ic = 0; ic < icg; ic++)
                for (int kh = 0; kh < s.KernelHeight; kh++)
                    for (int kw = 0; kw < s.KernelWidth; kw++)
                    {
                        float* source = xp + (nint)ic * pp.Plane + kh * s.DilationH * pp.Columns + kw * s.DilationW;
                        for (int y = 0; y < oh; y++, target += ow, source += s.StrideH * pp.Columns)
                            GatherEven(source, target, ow);
                    }
        }
    }

    /// <summary>dxg (+)= the fold of dcol, summed in a zero-padded copy (taps outer, rows inner: consecutive adds touch different rows).</summary>
    private static unsafe void FoldPadded(in Conv2dShape s, ReadOnlySpan<float> dcol, Span<float> dxg, bool accumulate)
    {
        var pp = new PaddedPlanes(in s);
        int icg = s.GroupInChannels, ow = s.OutWidth, oh = s.OutHeight, plane = oh * ow;
        var padded = KernelWorkspace.ForCurrentThread().Padded(pp.Length(icg));
        padded.Clear();
        fixed (float* dx = dxg, dp = padded, c = dcol)
        {
            for (int ic = 0; ic < icg; ic++)
                for (int kh = 0; kh < s.KernelHeight; kh++)
                    for (int kw = 0; kw < s.KernelWidth; kw++)
                    {
                        float* source = c + (nint)((ic * s.KernelHeight + kh) * s.KernelWidth + kw) * plane;
                        float* target = dp + (nint)ic * pp.Plane + kh * s.DilationH * pp.Columns + kw * s.DilationW;
                        for (int y = 0; y < oh; y++, source += ow, target += s.StrideH * pp.Columns)
                            AddEven(source, target, ow);
                    }
            for (int ic = 0; ic < icg; ic++)
                for (int h = 0; h < s.InHeight; h++)
                    ConvDirect.CopyOrAddRow(dp + (nint)ic * pp.Plane + (h + s.PadH) * pp.Columns + s.PadW, dx + ((nint)ic * s.InHeight + h) * s.InWidth, s.InWidth, accumulate);
        }
    }

    private static readonly Vector512<int> EvenLanes = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);

    /// <summary>target[j] = source[2j] for j &lt; count (reads up to 31 floats past the last one it keeps).</summary>
    private static unsafe void GatherEven(float* source, float* target, int count)
    {
        for (int j = 0; j < count; j += 16, source += 32)
        {
            var even = Avx512F.PermuteVar16x32x2(Vector512.Load(source), EvenLanes, Vector512.Load(source + 16));
            if (count - j >= 16) Vector512.Store(even, target + j);
            else Avx512F.MaskStore(target + j, FirstLanes(count - j), even);
        }
    }

    /// <summary>
    /// target[2j] += source[j] for j &lt; count: 16 values spread onto the even lanes of two 16-float
    /// blocks and added under a mask, so the odd lanes and those past the row are stored unchanged.
    /// </summary>
    private static unsafe void AddEven(float* source, float* target, int count)
    {
        var lane = Vector512<int>.Indices;
        var half = lane >>> 1;
        var isEven = Vector512.Equals(lane & Vector512<int>.One, Vector512<int>.Zero);
        for (int j = 0; j < count; j += 16, target += 32)
        {
            int left = count - j;
            var values = left >= 16 ? Vector512.Load(source + j) : Avx512F.MaskLoad(source + j, FirstLanes(left), Vector512<float>.Zero);
            var low = Avx512F.PermuteVar16x32(values, half);                            // lane 2i and 2i+1 hold values[i]
            var high = Avx512F.PermuteVar16x32(values, half + Vector512.Create(8));     // lane 2i and 2i+1 hold values[8 + i]
            var lowLanes = (isEven & Vector512.LessThan(half, Vector512.Create(left))).AsSingle();
            var highLanes = (isEven & Vector512.LessThan(half + Vector512.Create(8), Vector512.Create(left))).AsSingle();
            var t0 = Vector512.Load(target);
            Vector512.Store(Vector512.ConditionalSelect(lowLanes, t0 + low, t0), target);
            if (left > 8)
            {
                var t1 = Vector512.Load(target + 16);
                Vector512.Store(Vector512.ConditionalSelect(highLanes, t1 + high, t1), target + 16);
            }
        }
    }

    private static Vector512<float> FirstLanes(int n) => Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n)).AsSingle();
}
