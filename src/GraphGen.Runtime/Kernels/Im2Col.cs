namespace GraphGen.Kernels;

/// <summary>
/// The unrolling that turns a convolution into a GEMM. For one sample and one group,
/// col[r, p] with r = (ic, kh, kw) (ic over the group's channels) and p = (oh, ow) holds
/// x[ic, oh·sh − ph + kh·dh, ow·sw − pw + kw·dw], or 0 where that falls in the padding.
/// Then y_g[OCg, P] = W_g[OCg, ICg·KH·KW] · col, and the two gradients are
/// dcol = W_gᵀ · dy_g (folded back into dx by <see cref="ScatterAdd"/>) and dW_g = dy_g · colᵀ.
/// </summary>
internal static class Im2Col
{
    /// <summary>col (ICg·KH·KW × OH·OW) from the group's input planes xg (ICg × H·W).</summary>
    public static void Gather(in Conv2dShape s, ReadOnlySpan<float> xg, Span<float> col)
    {
        int ow = s.OutWidth, oh = s.OutHeight, plane = s.OutPlane;
        int row = 0;
        for (int ic = 0; ic < s.GroupInChannels; ic++)
        {
            var xc = xg.Slice(ic * s.InPlane, s.InPlane);
            for (int kh = 0; kh < s.KernelHeight; kh++)
                for (int kw = 0; kw < s.KernelWidth; kw++, row++)
                {
                    var (lo, hi, offset) = ValidColumns(s.InWidth, ow, s.StrideW, s.PadW, kw * s.DilationW);
                    var colRow = col.Slice(row * plane, plane);
                    for (int y = 0; y < oh; y++)
                    {
                        var target = colRow.Slice(y * ow, ow);
                        int ih = y * s.StrideH - s.PadH + kh * s.DilationH;
                        if ((uint)ih >= (uint)s.InHeight || lo >= hi)
                        {
                            target.Clear();
                            continue;
                        }
                        var source = xc.Slice(ih * s.InWidth, s.InWidth);
                        target.Slice(0, lo).Clear();
                        if (s.StrideW == 1)
                            source.Slice(lo + offset, hi - lo).CopyTo(target.Slice(lo, hi - lo));
                        else
                            for (int x = lo; x < hi; x++) target[x] = source[x * s.StrideW + offset];
                        target.Slice(hi).Clear();
                    }
                }
        }
    }

    /// <summary>dxg (ICg × H·W) += the fold of dcol: every col entry added back to the input element it was read from.</summary>
    public static void ScatterAdd(in Conv2dShape s, ReadOnlySpan<float> dcol, Span<float> dxg)
    {
        int ow = s.OutWidth, oh = s.OutHeight, plane = s.OutPlane;
        int row = 0;
        for (int ic = 0; ic < s.GroupInChannels; ic++)
        {
            var dxc = dxg.Slice(ic * s.InPlane, s.InPlane);
            for (int kh = 0; kh < s.KernelHeight; kh++)
                for (int kw = 0; kw < s.KernelWidth; kw++, row++)
                {
                    var (lo, hi, offset) = ValidColumns(s.InWidth, ow, s.StrideW, s.PadW, kw * s.DilationW);
                    if (lo >= hi) continue;
                    var colRow = dcol.Slice(row * plane, plane);
                    for (int y = 0; y < oh; y++)
                    {
                        int ih = y * s.StrideH - s.PadH + kh * s.DilationH;
                        if ((uint)ih >= (uint)s.InHeight) continue;
                        var source = colRow.Slice(y * ow, ow);
                        var target = dxc.Slice(ih * s.InWidth, s.InWidth);
                        if (s.StrideW == 1)
                            SpanMath.Add(source.Slice(lo, hi - lo), target.Slice(lo + offset, hi - lo));
                        else
                            for (int x = lo; x < hi; x++) target[x * s.StrideW + offset] += source[x];
                    }
                }
        }
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
