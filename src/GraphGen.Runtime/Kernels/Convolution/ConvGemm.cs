namespace GraphGen.Kernels;

/// <summary>
/// Convolution as GEMM, one sample at a time, one group at a time (see <see cref="Im2Col"/>):
/// <code>
/// forward          y_g  = W_g · col(x_g)                 [OCg × P] = [OCg × CKg]·[CKg × P]
/// input gradient   dx_g = fold(W_gᵀ · dy_g)              [CKg × P] = [CKg × OCg]ᵀ·[OCg × P]
/// weight gradient  dW_g += dy_g · col(x_g)ᵀ              [OCg × CKg] = [OCg × P]·[CKg × P]ᵀ
/// </code>
/// with P = OH·OW and CKg = (IC/groups)·KH·KW. A 1×1 kernel with stride 1 and no padding needs
/// no unrolling: col(x_g) is x_g itself.
/// </summary>
internal static class ConvGemm
{
    private static bool IsPointwise(in Conv2dShape s) =>
        s.KernelHeight == 1 && s.KernelWidth == 1 && s.StrideH == 1 && s.StrideW == 1 && s.PadH == 0 && s.PadW == 0;

    /// <summary>y_b = W ⋆ x_b for one sample, before bias and activation.</summary>
    public static void ForwardSample(in Conv2dShape s, ReadOnlySpan<float> xb, ReadOnlySpan<float> weight, Span<float> yb, bool onThisThread)
    {
        int icg = s.GroupInChannels, ocg = s.GroupOutChannels, ck = s.GroupWeightColumns, p = s.OutPlane;
        bool pointwise = IsPointwise(s);
        var col = pointwise ? default : KernelWorkspace.ForCurrentThread().Columns(ck * p);
        for (int g = 0; g < s.Groups; g++)
        {
            var xg = xb.Slice(g * icg * s.InPlane, icg * s.InPlane);
            if (!pointwise) Im2Col.Gather(s, xg, col);
            Multiply(onThisThread, false, false, ocg, p, ck, weight.Slice(g * ocg * ck, ocg * ck), ck,
                pointwise ? xg : col, p, yb.Slice(g * ocg * p, ocg * p), p, false);
        }
    }

    /// <summary>dx_b (+)= the input gradient of one sample.</summary>
    public static void BackwardInputSample(in Conv2dShape s, ReadOnlySpan<float> dyb, ReadOnlySpan<float> weight, Span<float> dxb, bool accumulate,
        bool onThisThread)
    {
        int icg = s.GroupInChannels, ocg = s.GroupOutChannels, ck = s.GroupWeightColumns, p = s.OutPlane;
        bool pointwise = IsPointwise(s);
        var dcol = pointwise ? default : KernelWorkspace.ForCurrentThread().Columns(ck * p);
        for (int g = 0; g < s.Groups; g++)
        {
            var wg = weight.Slice(g * ocg * ck, ocg * ck);
            var dyg = dyb.Slice(g * ocg * p, ocg * p);
            var dxg = dxb.Slice(g * icg * s.InPlane, icg * s.InPlane);
            if (pointwise)
            {
                Multiply(onThisThread, true, false, ck, p, ocg, wg, ck, dyg, p, dxg, p, accumulate);
                continue;
            }
            Multiply(onThisThread, true, false, ck, p, ocg, wg, ck, dyg, p, dcol, p, false);
            Im2Col.Fold(s, dcol, dxg, accumulate);
        }
    }

    /// <summary>
    /// The weight and bias gradients summed over samples [first, end), written (not added) into
    /// <paramref name="dweight"/> and <paramref name="dbias"/> (empty for none). Samples go in
    /// chunks of up to <see cref="ChunkColumns"/> columns: their columns side by side and their dy
    /// copied side by side, so that one GEMM sums over the chunk's samples and positions (depth
    /// n·P, not P: a 64-channel 16×16 layer's per-sample product has depth 256 and ran at half the
    /// GEMM's rate). Each weight element is one fixed chain of multiply-adds per chunk, the chunks
    /// added in order.
    /// </summary>
    public static void BackwardWeightSlice(in Conv2dShape s, int first, int end, ReadOnlySpan<float> x, ReadOnlySpan<float> dy,
        Span<float> dweight, Span<float> dbias, bool onThisThread)
    {
        int icg = s.GroupInChannels, ocg = s.GroupOutChannels, ck = s.GroupWeightColumns, p = s.OutPlane;
        bool pointwise = IsPointwise(s);
        int chunk = pointwise ? 1 : Math.Clamp(ChunkColumns / Math.Max(1, p), 1, end - first);
        var ws = KernelWorkspace.ForCurrentThread();
        var col = pointwise ? default : ws.Columns(ck * chunk * p);
        var dyChunk = chunk > 1 ? ws.Padded(ocg * chunk * p) : default;
        for (int b0 = first; b0 < end; b0 += chunk)
        {
            int count = Math.Min(chunk, end - b0), width = count * p;
            for (int g = 0; g < s.Groups; g++)
            {
                ReadOnlySpan<float> a, bm;
                int lda;
                if (count == 1)
                {
                    var xg = x.Slice(b0 * s.InputSize + g * icg * s.InPlane, icg * s.InPlane);
                    if (!pointwise) Im2Col.Gather(s, xg, col);
                    a = dy.Slice(b0 * s.OutputSize + g * ocg * p, ocg * p);
                    bm = pointwise ? xg : col;
                    lda = p;
                }
                else
                {
                    for (int i = 0; i < count; i++)
                    {
                        int b = b0 + i;
                        Im2Col.Gather(s, x.Slice(b * s.InputSize + g * icg * s.InPlane, icg * s.InPlane), col.Slice(i * p), width);
                        var dyg = dy.Slice(b * s.OutputSize + g * ocg * p, ocg * p);
                        for (int o = 0; o < ocg; o++) dyg.Slice(o * p, p).CopyTo(dyChunk.Slice(o * width + i * p, p));
                    }
                    a = dyChunk;
                    bm = col;
                    lda = width;
                }
                Multiply(onThisThread, false, true, ocg, ck, width, a, lda, bm, width, dweight.Slice(g * ocg * ck, ocg * ck), ck, accumulate: b0 != first);
            }
            for (int b = b0; b < b0 + count; b++)
                BiasGradient(s, dy.Slice(b * s.OutputSize, s.OutputSize), dbias, b != first);
        }
    }

    /// <summary>
    /// The most columns (samples × positions) one weight-gradient GEMM sums over: deep enough for
    /// the GEMM's rate, while the chunk's columns (ICg·KH·KW × this) stay a few MiB.
    /// </summary>
    internal const int ChunkColumns = 1024;

    /// <summary>
    /// One GEMM: whole (GEMM may spread it over its own threads) or, when this kernel already runs
    /// samples in parallel, on this thread alone (<see cref="SingleThreadedGemm"/>).
    /// </summary>
    private static void Multiply(bool onThisThread, bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        if (onThisThread) SingleThreadedGemm.Compute(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        else Gemm.Compute(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    /// <summary>dbias[oc] (+)= Σ_p dy_b[oc, p].</summary>
    public static void BiasGradient(in Conv2dShape s, ReadOnlySpan<float> dyb, Span<float> dbias, bool accumulate)
    {
        if (dbias.IsEmpty) return;
        int p = s.OutPlane;
        for (int oc = 0; oc < s.OutChannels; oc++)
        {
            float sum = SpanMath.Sum(dyb.Slice(oc * p, p));
            dbias[oc] = accumulate ? dbias[oc] + sum : sum;
        }
    }
}
