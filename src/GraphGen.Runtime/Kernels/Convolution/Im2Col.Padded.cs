using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// The fold of <see cref="Im2Col"/> for stride 2 with AVX-512, summed in a zero-padded copy of the
/// group's planes (Hp = H + 2·ph rows of Wp = W + 2·pw): every tap's write is then inside the copy,
/// so a row of dcol is added at stride 2 in one place, with no bounds logic per row: spread onto the
/// even lanes of the target by a permute and added under a mask.
/// </summary>
internal static partial class Im2Col
{
    /// <summary>
    /// Stride 2 with AVX-512: FashionResNet's 16→32 3×3 stride-2 layer's input gradient (batch 64, one
    /// thread) 540–650 → 410–430 µs. At stride 1 the masked row adds ran 1.5× slower than the plain
    /// loops (LeNet conv2's input gradient 550 → 830 µs), so stride 1 keeps them. The same padded copy
    /// for the gather (the forward's and weight gradient's im2col) was tried and dropped: equal on one
    /// thread, the forward 2× slower on two (450 against 206 µs), for a reason not found.
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

    /// <summary>dxg (+)= the fold of dcol, summed in a zero-padded copy (taps outer, rows inner: consecutive adds touch different rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>
    /// target[2j] += source[j] for j &lt; count: 16 values spread onto the even lanes of two 16-float
    /// blocks and added under a mask, so the odd lanes and those past the row are stored unchanged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AddEven(float* source, float* target, int count)
    {
        var lane = Vector512<int>.Indices;
        var half = lane >>> 1;
        var isEven = Vector512.Equals(lane & Vector512<int>.One, Vector512<int>.Zero);
        for (int j = 0; j < count; j += 16, target += 32)
        {
            int left = count - j;
            var values = left >= 16 ? Vector512.Load(source + j) : Avx512F.MaskLoad(source + j, ConvDirect.FirstLanes(left), Vector512<float>.Zero);
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
}
