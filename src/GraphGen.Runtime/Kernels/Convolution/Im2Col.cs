using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// The unrolling that turns a convolution into a GEMM. For one sample and one group,
/// col[r, p] with r = (ic, kh, kw) (ic over the group's channels) and p = (oh, ow) holds
/// x[ic, oh·sh − ph + kh·dh, ow·sw − pw + kw·dw], or 0 where that falls in the padding.
/// Then y_g[OCg, P] = W_g[OCg, ICg·KH·KW] · col, and the two gradients are
/// dcol = W_gᵀ · dy_g (folded back into dx by <see cref="Fold"/>) and dW_g = dy_g · colᵀ.
/// </summary>
internal static partial class Im2Col
{
    /// <summary>col (ICg·KH·KW × OH·OW) from the group's input planes xg (ICg × H·W).</summary>
    public static void Gather(in Conv2dShape s, ReadOnlySpan<float> xg, Span<float> col) => Gather(in s, xg, col, s.OutPlane);

    /// <summary>
    /// The same with rows <paramref name="rowStride"/> floats apart (≥ OH·OW): several samples'
    /// columns side by side, sample i gathered into col[.., i·OH·OW ..]; nothing outside the
    /// sample's OH·OW columns of each row is written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Gather(in Conv2dShape s, ReadOnlySpan<float> xg, Span<float> col, int rowStride)
    {
        int ow = s.OutWidth, oh = s.OutHeight, plane = oh * ow, width = s.InWidth, stride = s.StrideW;
        KernelChecks.Length(xg.Length, "Im2Col.Gather", nameof(xg), "[ICg, H, W]", s.GroupInChannels, s.InHeight, width);
        if (rowStride < plane || col.Length < (long)(s.GroupWeightColumns - 1) * rowStride + plane)
            throw new ArgumentException($"Im2Col.Gather: col holds {col.Length} floats, but {s.GroupWeightColumns} rows of {plane} floats, {rowStride} apart, need {(long)(s.GroupWeightColumns - 1) * rowStride + plane}.", nameof(col));
        fixed (float* x = xg, c = col)
        {
            if (UsePhases(in s))
            {
                GatherPhases(in s, x, c, rowStride);
                return;
            }
            float* xEnd = x + xg.Length;
            // Rows are short (OW = 7..28): plain loops over pointers, a vector copy only for runs of
            // 16 or more (8 or more for the adds of Fold). Every index is inside its plane by construction of [lo, hi) (ValidColumns)
            // and the row test.
            int row = 0;
            for (int ic = 0; ic < s.GroupInChannels; ic++)
                for (int kh = 0; kh < s.KernelHeight; kh++)
                    for (int kw = 0; kw < s.KernelWidth; kw++, row++)
                    {
                        float* target = c + (nint)row * rowStride;
                        // Contiguous rows (one sample): a vector tail may spill into the next row, which is
                        // written after it. Side by side, the next row's first sample is written before
                        // it: nothing past this sample's columns.
                        float* colEnd = rowStride == plane ? c + col.Length : target + plane;
                        var (lo, hi, offset) = ValidColumns(width, ow, stride, s.PadW, kw * s.DilationW);
                        for (int y = 0; y < oh; y++, target += ow)
                        {
                            int ih = y * s.StrideH - s.PadH + kh * s.DilationH;
                            if ((uint)ih >= (uint)s.InHeight)
                            {
                                for (int j = 0; j < ow; j++) target[j] = 0f;
                                continue;
                            }
                            float* source = x + (nint)ic * s.InPlane + (nint)ih * width + offset;
                            int k = 0;
                            for (; k < lo; k++) target[k] = 0f;
                            if (stride == 1)
                            {
                                // 16 lanes at a time with a masked tail: the rows of a 3×3 kernel's
                                // side taps are one short of the row (15 of 16), too short for a span copy.
                                if (hi > lo) ConvDirect.CopyRow(source + lo, target + lo, hi - lo);
                                k = hi;   // ValidColumns gives lo ≤ hi
                            }
                            else
                            {
                                if (stride == 2) k = GatherStride2(source, target, k, hi, xEnd, colEnd);
                                for (; k < hi; k++) target[k] = source[(nint)k * stride];
                            }
                            for (; k < ow; k++) target[k] = 0f;
                        }
                    }
        }
    }

    /// <summary>dxg (ICg × H·W) (+)= the fold of dcol: every col entry added back to the input element it was read from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Fold(in Conv2dShape s, ReadOnlySpan<float> dcol, Span<float> dxg, bool accumulate)
    {
        int ow = s.OutWidth, oh = s.OutHeight, plane = oh * ow, width = s.InWidth, stride = s.StrideW;
        KernelChecks.Length(dxg.Length, "Im2Col.Fold", nameof(dxg), "[ICg, H, W]", s.GroupInChannels, s.InHeight, width);
        KernelChecks.Length(dcol.Length, "Im2Col.Fold", nameof(dcol), "[ICg·KH·KW, OH·OW]", s.GroupWeightColumns, plane);
        if (UsePadded(in s))
        {
            FoldPadded(in s, dcol, dxg, accumulate);
            return;
        }
        if (!accumulate) dxg.Clear();
        fixed (float* dx = dxg, c = dcol)
        {
            float* source = c;
            for (int ic = 0; ic < s.GroupInChannels; ic++)
                for (int kh = 0; kh < s.KernelHeight; kh++)
                    for (int kw = 0; kw < s.KernelWidth; kw++)
                    {
                        var (lo, hi, offset) = ValidColumns(width, ow, stride, s.PadW, kw * s.DilationW);
                        for (int y = 0; y < oh; y++, source += ow)
                        {
                            int ih = y * s.StrideH - s.PadH + kh * s.DilationH;
                            if ((uint)ih >= (uint)s.InHeight) continue;
                            float* target = dx + (nint)ic * s.InPlane + (nint)ih * width + offset;
                            if (stride == 1 && hi - lo >= 8)
                                SpanMath.Add(new ReadOnlySpan<float>(source + lo, hi - lo), new Span<float>(target + lo, hi - lo));
                            else if (stride == 1)
                                for (int j = lo; j < hi; j++) target[j] += source[j];
                            else
                                for (int j = lo; j < hi; j++) target[(nint)j * stride] += source[j];
                        }
                    }
        }
    }

    /// <summary>
    /// target[k] = source[2k] for k in [lo, hi), 16 at a time (two loads, one two-source permute
    /// that keeps the even lanes); returns where it stopped, for the scalar loop to finish. A block may
    /// read past the row (inside the source span) and write up to 15 floats past hi (inside col):
    /// those are rewritten by the caller, the columns [hi, OW) of this row and the rows after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int GatherStride2(float* source, float* target, int lo, int hi, float* sourceEnd, float* targetEnd)
    {
        if (!Avx512F.IsSupported) return lo;
        var even = ConvDirect.EvenLanes;
        int k = lo;
        for (; k < hi; k += 16)
        {
            float* from = source + 2 * (nint)k;
            if (from + 32 > sourceEnd || target + k + 16 > targetEnd) return k;
            Avx512F.PermuteVar16x32x2(Vector512.Load(from), even, Vector512.Load(from + 16)).Store(target + k);
        }
        return hi;
    }

    /// <summary>
    /// The output columns [lo, hi) whose input column iw = ow·stride + offset lies in [0, width),
    /// with offset = kw·dw − pad.
    /// </summary>
    public static (int Lo, int Hi, int Offset) ValidColumns(int width, int outWidth, int stride, int pad, int tap)
    {
        int offset = tap - pad;
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int last = width - 1 - offset;
        int hi = last < 0 ? 0 : Math.Min(outWidth, last / stride + 1);
        return (Math.Min(lo, hi), hi, offset);
    }
}
