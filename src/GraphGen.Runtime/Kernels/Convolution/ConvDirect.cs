using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// Direct convolution for stride 1, without unrolling. The input planes of one group are copied
/// into zero-padded planes of width Wp = W + 2·pw; an output position (i, j) is then the "wide"
/// index q = i·Wp + j, and tap (u, v) reads the padded plane at q + u·dh·Wp + v·dw, so a run of
/// 16 consecutive q is one contiguous vector load for every tap. The columns j ≥ OW of each wide
/// row are computed and thrown away (W/OW − 1 extra work: 17% for 28→24).
/// <code>
/// forward           wide[o, q]  = Σ_{c,u,v} W[o, c, u, v] · xpad[c, q + u·dh·Wp + v·dw]
/// input gradient    the same with dy (padded by d·(k−1) − p) as input and W flipped and transposed:
///                   dx[c, h, w] = Σ_{o,u,v} W[o, c, KH−1−u, KW−1−v] · dypad[o, h + u·dh, w + v·dw]
/// weight gradient   dW[o, c, u, v] = Σ_q dywide[o, q] · xpad[c, q + u·dh·Wp + v·dw]  (dywide is 0 at j ≥ OW)
/// </code>
/// Register blocks: 8 (or, below 8 channels, 4) output channels × 32 positions for the two
/// correlations; 8 (or 4) output channels × 3 taps for the weight gradient (24 or 12 accumulators,
/// kept across the slice's samples and reduced across lanes once at its end): a 3×3 kernel is three
/// whole tap blocks. Every sum runs over its terms in one fixed order, whatever thread runs it.
/// Zero dy at the thrown-away columns keeps them out of the weight gradient (unless x holds an
/// infinity there: 0·∞ is NaN).
/// </summary>
internal static unsafe partial class ConvDirect
{
    /// <summary>Wide positions per register block: two 16-lane vectors.</summary>
    public const int Positions = 32;
    /// <summary>Taps per register block of the weight gradient: one row of a 3×3 kernel (a 4-tap block wasted a quarter of its work there).</summary>
    public const int TapBlock = 3;

    /// <summary>
    /// Stride 1, and padding no wider than the kernel's reach (so the input gradient is a
    /// correlation with non-negative padding d·(k − 1) − p).
    /// </summary>
    public static bool Supports(in Conv2dShape s) =>
        s.StrideH == 1 && s.StrideW == 1
        && s.PadH <= s.DilationH * (s.KernelHeight - 1) && s.PadW <= s.DilationW * (s.KernelWidth - 1);

    /// <summary>The layout of a stride-1 correlation of <see cref="Channels"/> source planes.</summary>
    internal readonly struct Geometry
    {
        public readonly int Channels, SourceH, SourceW, PadH, PadW, KernelH, KernelW, DilationH, DilationW;
        public readonly int PaddedW, OutH, OutW, Taps;
        /// <summary>Wide positions computed per plane: (OutH − 1)·Wp + OutW rounded up to <see cref="Positions"/>.</summary>
        public readonly int WideLength;
        /// <summary>Floats per padded source plane: room for every read of the last block, wide or row by row.</summary>
        public readonly int PlaneStride;

        public Geometry(in Conv2dShape s, int channels, int sourceH, int sourceW, int padH, int padW)
        {
            Channels = channels; SourceH = sourceH; SourceW = sourceW; PadH = padH; PadW = padW;
            KernelH = s.KernelHeight; KernelW = s.KernelWidth; DilationH = s.DilationH; DilationW = s.DilationW;
            PaddedW = sourceW + 2 * padW;
            OutH = sourceH + 2 * padH - DilationH * (KernelH - 1);
            OutW = PaddedW - DilationW * (KernelW - 1);
            Taps = KernelH * KernelW;
            WideLength = RoundUp((OutH - 1) * PaddedW + OutW, Positions);
            PlaneStride = Math.Max(WideLength, (OutH - 1) * PaddedW + Positions) + (KernelH - 1) * DilationH * PaddedW + (KernelW - 1) * DilationW;
        }

        public int Offset(int tap) => tap / KernelW * DilationH * PaddedW + tap % KernelW * DilationW;

        public static Geometry Forward(in Conv2dShape s) => new(s, s.GroupInChannels, s.InHeight, s.InWidth, s.PadH, s.PadW);

        public static Geometry BackwardInput(in Conv2dShape s) => new(s, s.GroupOutChannels, s.OutHeight, s.OutWidth,
            s.DilationH * (s.KernelHeight - 1) - s.PadH, s.DilationW * (s.KernelWidth - 1) - s.PadW);
    }

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Output channels per register block of a correlation: 8 (16 accumulators, each input vector
    /// feeding 8 FMAs) once there are 8 channels to fill it, else 4 (less padding for 1–6 channels).
    /// </summary>
    public static int CorrelationBlock(int channels) => channels >= 8 ? 8 : 4;

    /// <summary>Channels rounded up to whole correlation blocks (the padded channels have zero weights).</summary>
    public static int CorrelationPad(int channels) => RoundUp(channels, CorrelationBlock(channels));

    /// <summary>Floats of <see cref="PrepareForward"/>'s layout.</summary>
    public static int PreparedForwardSize(in Conv2dShape s) =>
        s.Groups * s.GroupInChannels * s.KernelHeight * s.KernelWidth * CorrelationPad(s.GroupOutChannels);

    /// <summary>Floats of <see cref="PrepareBackwardInput"/>'s layout.</summary>
    public static int PreparedBackwardInputSize(in Conv2dShape s) =>
        s.Groups * s.GroupOutChannels * s.KernelHeight * s.KernelWidth * CorrelationPad(s.GroupInChannels);

    /// <summary>wt[g, c, t, o] = W[g·OCg + o, c, t] (o padded with zeros to a whole channel block).</summary>
    public static void PrepareForward(in Conv2dShape s, ReadOnlySpan<float> weight, Span<float> prepared)
    {
        int icg = s.GroupInChannels, ocg = s.GroupOutChannels, taps = s.KernelHeight * s.KernelWidth;
        int pad = CorrelationPad(ocg);
        fixed (float* w = weight, wt = prepared)
            for (int g = 0; g < s.Groups; g++)
                for (int c = 0; c < icg; c++)
                    for (int t = 0; t < taps; t++)
                        // Along o the weights are ICg·taps apart.
                        Strided(w + ((nint)g * ocg * icg + c) * taps + t, icg * taps, ocg, wt + (((nint)g * icg + c) * taps + t) * pad, pad);
    }

    /// <summary>wt[g, o, t, c] = W[g·OCg + o, c, taps − 1 − t]: transposed and flipped (c padded to a whole block).</summary>
    public static void PrepareBackwardInput(in Conv2dShape s, ReadOnlySpan<float> weight, Span<float> prepared)
    {
        int icg = s.GroupInChannels, ocg = s.GroupOutChannels, taps = s.KernelHeight * s.KernelWidth;
        int pad = CorrelationPad(icg);
        fixed (float* w = weight, wt = prepared)
            for (int g = 0; g < s.Groups; g++)
                for (int o = 0; o < ocg; o++)
                    for (int t = 0; t < taps; t++)
                        // Along c the weights are taps apart.
                        Strided(w + ((nint)(g * ocg + o) * icg) * taps + (taps - 1 - t), taps, icg, wt + (((nint)g * ocg + o) * taps + t) * pad, pad);
    }

    /// <summary>
    /// row[i] = from[i·stride] for i &lt; count, 0 for count ≤ i &lt; length: 8 at a time by gathers (these
    /// re-layouts run on the calling thread before every pass; element by element, the 32→32 3×3
    /// forward's took 7.5 µs).
    /// </summary>
    internal static void Strided(float* from, int stride, int count, float* row, int length)
    {
        int i = 0;
        if (Avx2.IsSupported)
        {
            var index = Vector256<int>.Indices * stride;
            for (; i + 8 <= count; i += 8)
                Avx2.GatherVector256(from + (nint)i * stride, index, 4).Store(row + i);
        }
        for (; i < count; i++) row[i] = from[(nint)i * stride];
        for (; i < length; i++) row[i] = 0f;
    }

    /// <summary>
    /// y_b = act(W ⋆ x_b + bias) for one sample; <paramref name="prepared"/> from <see cref="PrepareForward"/>.
    /// Rows of 17–32 columns are written from the registers (<see cref="ActivatedRows{TAct}"/>), wider
    /// or narrower ones through the wide buffer; both add the same terms in the same order.
    /// </summary>
    public static void ForwardSample<TAct>(in Conv2dShape s, float* xb, float* prepared, float* bias, float* yb, TAct activation) where TAct : struct, IActivation<TAct>
    {
        var geo = Geometry.Forward(in s);
        int ocg = s.GroupOutChannels, pad = CorrelationPad(ocg);
        bool rows = WritesRows(in geo);
        var ws = KernelWorkspace.ForCurrentThread();
        fixed (float* padded = ws.Padded(geo.Channels * geo.PlaneStride), wide = rows ? null : ws.Columns(pad * geo.WideLength))
            for (int g = 0; g < s.Groups; g++)
            {
                FillPadded(in geo, xb + (nint)g * s.GroupInChannels * s.InPlane, padded);
                float* wt = prepared + (nint)g * geo.Channels * geo.Taps * pad, yg = yb + (nint)g * ocg * s.OutPlane;
                float* bg = bias == null ? null : bias + g * ocg;
                if (rows)
                {
                    Correlate(in geo, padded, wt, pad, new ActivatedRows<TAct>(in geo, yg, bg, ocg, activation));
                    continue;
                }
                Correlate(in geo, padded, wt, pad, new WideBlocks(wide, geo.WideLength));
                for (int o = 0; o < ocg; o++)
                {
                    float* plane = yg + (nint)o * s.OutPlane;
                    float b = bg == null ? 0f : bg[o];
                    for (int i = 0; i < geo.OutH; i++)
                        ActivateRow(wide + (nint)o * geo.WideLength + i * geo.PaddedW, plane + i * geo.OutW, geo.OutW, b, activation);
                }
            }
    }

    /// <summary>
    /// maxpool(act(W ⋆ x_b + bias)) for one sample, by <see cref="PooledRows{TAct}"/>, where
    /// <see cref="PoolsRows"/> holds; <paramref name="pooled"/> is the sample's [OutChannels, pooled
    /// height, pooled width].
    /// </summary>
    public static void ForwardSamplePooled<TAct>(in Conv2dShape s, in Pool2dShape pool, float* xb, float* prepared, float* bias, float* pooled, TAct activation)
        where TAct : struct, IActivation<TAct>
    {
        var geo = Geometry.Forward(in s);
        int ocg = s.GroupOutChannels, pad = CorrelationPad(ocg);
        var ws = KernelWorkspace.ForCurrentThread();
        fixed (float* padded = ws.Padded(geo.Channels * geo.PlaneStride), stash = ws.Unpooled(pad * Positions))
            for (int g = 0; g < s.Groups; g++)
            {
                FillPadded(in geo, xb + (nint)g * s.GroupInChannels * s.InPlane, padded);
                Correlate(in geo, padded, prepared + (nint)g * geo.Channels * geo.Taps * pad, pad,
                    new PooledRows<TAct>(in geo, in pool, pooled + (nint)g * ocg * pool.OutHeight * pool.OutWidth, bias == null ? null : bias + g * ocg, ocg, activation, stash));
            }
    }

    /// <summary>dx_b (+)= the input gradient of one sample; <paramref name="prepared"/> from <see cref="PrepareBackwardInput"/>.</summary>
    public static void BackwardInputSample(in Conv2dShape s, float* dyb, float* prepared, float* dxb, bool accumulate)
    {
        var geo = Geometry.BackwardInput(in s);
        int icg = s.GroupInChannels, pad = CorrelationPad(icg);
        var ws = KernelWorkspace.ForCurrentThread();
        fixed (float* padded = ws.Padded(geo.Channels * geo.PlaneStride), wide = ws.Columns(pad * geo.WideLength))
            for (int g = 0; g < s.Groups; g++)
            {
                FillPadded(in geo, dyb + (nint)g * s.GroupOutChannels * s.OutPlane, padded);
                Correlate(in geo, padded, prepared + (nint)g * geo.Channels * geo.Taps * pad, pad, new WideBlocks(wide, geo.WideLength));
                for (int c = 0; c < icg; c++)
                {
                    float* plane = dxb + (nint)(g * icg + c) * s.InPlane;
                    for (int h = 0; h < geo.OutH; h++)
                        CopyOrAddRow(wide + (nint)c * geo.WideLength + h * geo.PaddedW, plane + h * geo.OutW, geo.OutW, accumulate);
                }
            }
    }

    /// <summary>
    /// The weight gradient summed over samples [first, end), written into <paramref name="dweight"/>
    /// (and the bias gradient into <paramref name="dbias"/> unless it is empty). Each register block
    /// keeps its 16-lane accumulators across the chunks of samples (in a per-thread buffer between
    /// chunks) and reduces them across lanes once, at the end: each weight is the sum over its 16 lanes
    /// of lane sums taken in sample order, one fixed order whatever thread runs the slice.
    /// </summary>
    public static void BackwardWeightSlice(in Conv2dShape s, int first, int end, float* x, float* dy, float* dweight, Span<float> dbias)
    {
        var geo = Geometry.Forward(in s);
        int icg = s.GroupInChannels, ocg = s.GroupOutChannels, block = CorrelationBlock(ocg), pad = RoundUp(ocg, block);
        int taps = geo.Taps, tapPad = RoundUp(taps, TapBlock);
        int* offsets = stackalloc int[tapPad];
        for (int t = 0; t < tapPad; t++) offsets[t] = t < taps ? geo.Offset(t) : 0;
        // A chunk of samples is sized so that one block of output channels' dy over it, with one x
        // plane, stays in L1: the block is read again for every input channel and tap block. The
        // chunk depends on the shape only.
        nint xStride = (nint)icg * geo.PlaneStride, dyStride = (nint)pad * geo.WideLength;
        int chunk = (int)Math.Clamp(L1ChunkFloats / ((long)block * geo.WideLength + geo.PlaneStride), 1, end - first);
        int laneBlock = block * TapBlock * 16, blocksPerGroup = pad / block * icg * (tapPad / TapBlock);
        var ws = KernelWorkspace.ForCurrentThread();
        fixed (float* padded = ws.Padded(chunk * (int)xStride), dyWide = ws.Columns(chunk * (int)dyStride),
            lanes = ws.Lanes(s.Groups * blocksPerGroup * laneBlock))
        {
            for (int b0 = first; b0 < end; b0 += chunk)
            {
                int samples = Math.Min(chunk, end - b0);
                for (int g = 0; g < s.Groups; g++)
                {
                    for (int i = 0; i < samples; i++)
                    {
                        float* xb = x + (nint)(b0 + i) * s.InputSize, dyb = dy + (nint)(b0 + i) * s.OutputSize;
                        FillPadded(in geo, xb + (nint)g * icg * s.InPlane, padded + i * xStride);
                        FillWide(in geo, dyb + (nint)g * ocg * s.OutPlane, ocg, pad, dyWide + i * dyStride);
                    }
                    float* acc = lanes + (nint)g * blocksPerGroup * laneBlock;
                    for (int ob = 0; ob < pad; ob += block)
                        for (int c = 0; c < icg; c++)
                            for (int tb = 0; tb < tapPad; tb += TapBlock, acc += laneBlock)
                            {
                                float* xc = padded + (nint)c * geo.PlaneStride, dyBlock = dyWide + (nint)ob * geo.WideLength;
                                if (block == 8) DotBlock8(in geo, xc, offsets + tb, dyBlock, samples, xStride, dyStride, acc, b0 != first);
                                else DotBlock4(in geo, xc, offsets + tb, dyBlock, samples, xStride, dyStride, acc, b0 != first);
                            }
                }
                for (int b = b0; b < b0 + samples; b++)
                    ConvGemm.BiasGradient(in s, new ReadOnlySpan<float>(dy + (nint)b * s.OutputSize, s.OutputSize), dbias, b != first);
            }
            // dW[o, c, t] = the lane sum of its accumulator: blocks in the order the loops above visited them.
            float* sums = lanes;
            for (int g = 0; g < s.Groups; g++)
            {
                float* dwg = dweight + (nint)g * ocg * icg * taps;
                for (int ob = 0; ob < pad; ob += block)
                    for (int c = 0; c < icg; c++)
                        for (int tb = 0; tb < tapPad; tb += TapBlock, sums += laneBlock)
                            for (int o = 0; o < Math.Min(block, ocg - ob); o++)
                                for (int t = 0; t < Math.Min(TapBlock, taps - tb); t++)
                                    dwg[((nint)(ob + o) * icg + c) * taps + tb + t] = Vector512.Sum(Vector512.Load(sums + (o * TapBlock + t) * 16));
            }
        }
    }

    /// <summary>Floats of one block's dy and one x plane over a chunk of the weight gradient's samples (24 KiB, half an L1).</summary>
    private const long L1ChunkFloats = 6 << 10;
}
