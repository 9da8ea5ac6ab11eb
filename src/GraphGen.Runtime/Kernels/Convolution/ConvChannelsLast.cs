using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// Direct convolution with the output channels in the vector lanes (the forward pass, one group,
/// stride 1 or 2, AVX-512; and the input gradient at stride 1, the same correlation over dy): the
/// layout ONNX Runtime's NCHWc kernels compute in, kept inside one call. One sample's input is
/// copied into zero-padded rows in [row, channel, column] order, xt[h, c, w] = x[c, h − ph,
/// w − pw], so that for a fixed channel and tap the inputs of a run of output columns j, j + 1, …
/// lie sw floats apart. A register block is N consecutive outputs of one row (N = 4…16) by 16 or
/// 32 output channels:
/// <code>
/// acc[k][o] = bias[o] + Σ_{u,v,c} W[o, c, u, v] · xt[i·sh + u·dh, c, (j + k)·sw + v·dw]
/// </code>
/// each term one FMA of a 16-channel weight vector with a broadcast input value, in the order
/// u, v, c. The block's positions are then turned into rows by a 16×16 transpose in registers
/// and stored into the NCHW output, with the activation applied.
/// </summary>
/// <remarks>
/// Why: the direct kernel (<see cref="ConvDirect"/>) puts 16 positions of a padded row in the
/// lanes, so rows of 14 in padded rows of 16 leave 12% of its lanes idle and rows of 7 in 9, 22%;
/// its register blocks are 8 channels, the narrow layers' products are short, and it cannot stride.
/// Here the lanes are always full when the output channels are a multiple of 16, a block's width
/// follows the row (7 or 14 outputs for 7- and 14-wide rows), and a stride only changes how far
/// apart the broadcasts are read. Each output is one fixed sum order whatever thread runs its
/// sample.
/// </remarks>
internal static unsafe class ConvChannelsLast
{
    /// <summary>One group, stride 1 or 2 on both axes (the stride is a constant of the inner loop), AVX-512.</summary>
    public static bool Supports(in Conv2dShape s) =>
        Avx512F.IsSupported && s.Groups == 1 && s.StrideH is 1 or 2 && s.StrideW is 1 or 2;

    /// <summary>Output channels rounded up to whole vectors (the padded channels have zero weights and are not stored).</summary>
    public static int ChannelPad(int channels) => (channels + 15) / 16 * 16;

    /// <summary>Floats of <see cref="PrepareForward"/>'s layout.</summary>
    public static int PreparedForwardSize(in Conv2dShape s) => s.KernelHeight * s.KernelWidth * s.InChannels * ChannelPad(s.OutChannels);

    /// <summary>wt[t, c, o] = W[o, c, t] for the KH·KW taps t, o padded with zeros to whole vectors.</summary>
    public static void PrepareForward(in Conv2dShape s, ReadOnlySpan<float> weight, Span<float> prepared)
    {
        int channels = s.InChannels, taps = s.KernelHeight * s.KernelWidth, pad = ChannelPad(s.OutChannels);
        fixed (float* w = weight, wt = prepared)
            for (int t = 0; t < taps; t++)
                for (int c = 0; c < channels; c++)
                    // Along o the weights are C·taps apart.
                    ConvDirect.Strided(w + (nint)c * taps + t, channels * taps, s.OutChannels, wt + ((nint)t * channels + c) * pad, pad);
    }

    /// <summary>
    /// The input gradient at stride 1 is a forward pass of this shape over dy: dx = dy ⋆ W′ with
    /// W′[c, o, u, v] = W[o, c, KH − 1 − u, KW − 1 − v] (transposed, turned by 180°) and padding
    /// d·(k − 1) − p, so that its output is the input's size.
    /// </summary>
    public static Conv2dShape BackwardInputShape(in Conv2dShape s) =>
        new(s.OutChannels, s.OutHeight, s.OutWidth, s.InChannels, s.KernelHeight, s.KernelWidth,
            PadH: s.DilationH * (s.KernelHeight - 1) - s.PadH, PadW: s.DilationW * (s.KernelWidth - 1) - s.PadW,
            DilationH: s.DilationH, DilationW: s.DilationW);

    /// <summary>One group, stride 1, padding no wider than the kernel's reach (so <see cref="BackwardInputShape"/>'s padding is not negative).</summary>
    public static bool SupportsBackwardInput(in Conv2dShape s) => Supports(in s) && ConvDirect.Supports(in s);

    /// <summary>wt[t, o, c] = W[o, c, taps − 1 − t]: <see cref="PrepareForward"/>'s layout of W′, c padded to whole vectors.</summary>
    public static void PrepareBackwardInput(in Conv2dShape s, ReadOnlySpan<float> weight, Span<float> prepared)
    {
        int channels = s.InChannels, outputs = s.OutChannels, taps = s.KernelHeight * s.KernelWidth, pad = ChannelPad(channels);
        fixed (float* w = weight, wt = prepared)
            for (int t = 0; t < taps; t++)
                for (int o = 0; o < outputs; o++)
                    // Along c the weights are taps apart.
                    ConvDirect.Strided(w + (nint)o * channels * taps + (taps - 1 - t), taps, channels, wt + ((nint)t * outputs + o) * pad, pad);
    }

    /// <summary>The padded rows of one sample and the register block that runs over them.</summary>
    internal readonly struct Geometry
    {
        public readonly int PaddedH, PaddedW, RowStride, Width, Blocks;

        public Geometry(in Conv2dShape s)
        {
            PaddedH = s.InHeight + 2 * s.PadH;
            PaddedW = s.InWidth + 2 * s.PadW;
            RowStride = s.InChannels * PaddedW;
            Blocks = ChannelPad(s.OutChannels) >= 32 ? 2 : 1;
            Width = BlockWidth(s.OutWidth, Blocks);
        }

        /// <summary>
        /// Floats of the padded sample: the last block of a row may compute up to Width − 1 columns
        /// past the row's end (they are never stored), so the buffer has room for their reads.
        /// </summary>
        public int Length(in Conv2dShape s) => PaddedH * RowStride + Width * s.StrideW + 16;
    }

    /// <summary>
    /// Outputs per register block for rows of <paramref name="outW"/>: of the widths the kernel is
    /// compiled for (at most 8 with two channel vectors, whose 16 rows the transpose turns at once),
    /// the one whose blocks cost least over the row, counting a block's transpose and stores as
    /// three more columns (rows of 14: one block of 14; of 10: one of 14, not three of 4).
    /// </summary>
    internal static int BlockWidth(int outW, int blocks)
    {
        ReadOnlySpan<int> widths = blocks == 2 ? [8, 7, 4] : [16, 14, 8, 7, 4];
        int best = widths[0];
        foreach (int n in widths)
            if (Cost(outW, n) < Cost(outW, best)) best = n;
        return best;

        static int Cost(int width, int n) => (width + n - 1) / n * (n + 3);
    }

    /// <summary>
    /// y_b = act(W ⋆ x_b + bias) for one sample (added into y_b when <paramref name="accumulate"/>:
    /// an input gradient); <paramref name="prepared"/> from <see cref="PrepareForward"/>.
    /// </summary>
    public static void ForwardSample<TAct>(in Conv2dShape s, float* xb, float* prepared, float* bias, float* yb, TAct activation,
        bool accumulate = false) where TAct : struct, IActivation<TAct>
    {
        var geo = new Geometry(in s);
        var ws = KernelWorkspace.ForCurrentThread();
        fixed (float* xt = ws.Padded(geo.Length(in s)))
        {
            Fill(in s, in geo, xb, xt);
            int pad = ChannelPad(s.OutChannels);
            float* biasPad = stackalloc float[pad];
            PadBias(bias, s.OutChannels, biasPad, pad);
            var block = new Block<TAct>
            {
                Shape = s, Geo = geo, Input = xt, Weights = prepared, Bias = biasPad, Output = yb, Activation = activation,
                WeightStride = pad, Accumulate = accumulate,
                InputRowStride = geo.RowStride, ChannelStep = geo.PaddedW, GroupChannels = s.InChannels, Groups = 1,
            };
            Dispatch<Planes, TAct>(ref block);
        }
    }

    /// <summary>
    /// y_b = act(W ⋆ x_b + bias [+ residual_b]) for one sample with x_b in the channel-blocked layout
    /// (<see cref="ChannelBlocks"/>, a ring of <paramref name="inputRing"/> ≥ the padding). y_b and
    /// residual_b are in the layout too, with a ring of <paramref name="outputRing"/> that this writes
    /// as zeros; or, where <paramref name="outputRing"/> is −1, y_b is in planes (the last
    /// convolution before a step that reads planes; no residual), turned as <see cref="ForwardSample{TAct}"/>
    /// turns it. The same sums in the same order as <see cref="ForwardSample{TAct}"/>.
    /// </summary>
    public static void ForwardSampleBlocked<TAct>(in Conv2dShape s, float* xb, int inputRing, float* prepared, float* bias, float* residual,
        float* yb, int outputRing, TAct activation) where TAct : struct, IActivation<TAct>
    {
        const int L = ChannelBlocks.Lanes;
        int pad = ChannelPad(s.OutChannels), inPaddedW = s.InWidth + 2 * inputRing, outPaddedW = s.OutWidth + 2 * Math.Max(outputRing, 0);
        float* biasPad = stackalloc float[pad];
        PadBias(bias, s.OutChannels, biasPad, pad);
        int inRow = inPaddedW * L, outRow = outPaddedW * L;
        var block = new Block<TAct>
        {
            Shape = s, Geo = new Geometry(in s),
            // Padded row h of the convolution is row h + (ring − p) of the layout, and likewise for columns.
            Input = xb + (nint)(inputRing - s.PadH) * inRow + (inputRing - s.PadW) * L,
            Weights = prepared, Bias = biasPad, Activation = activation, WeightStride = pad,
            InputRowStride = inRow, ChannelStep = 1, GroupChannels = L, Groups = s.InChannels / L,
            GroupStride = (s.InHeight + 2 * inputRing) * inRow,
            Output = yb, BlockedOutput = outputRing >= 0,
        };
        if (block.BlockedOutput)
        {
            block.Output = yb + (nint)outputRing * outRow + outputRing * L;
            block.Residual = residual == null ? null : residual + (nint)outputRing * outRow + outputRing * L;
            block.OutputRowStride = outRow;
            block.OutputBlockStride = (s.OutHeight + 2 * outputRing) * outRow;
        }
        Dispatch<Blocked, TAct>(ref block);
        if (block.BlockedOutput) ChannelBlocks.ClearRing(yb, s.OutChannels, s.OutHeight, s.OutWidth, outputRing);
    }

    /// <summary>The bias padded with zeros to whole vectors of output channels.</summary>
    private static void PadBias(float* bias, int channels, float* padded, int pad)
    {
        for (int o = 0; o < pad; o++) padded[o] = bias != null && o < channels ? bias[o] : 0f;
    }

    /// <summary>The register block compiled for the geometry's width, vectors and stride, over layout <typeparamref name="TL"/>.</summary>
    private static void Dispatch<TL, TAct>(ref Block<TAct> block) where TL : struct, IConstant where TAct : struct, IActivation<TAct>
    {
        switch (block.Geo.Width, block.Geo.Blocks, block.Shape.StrideW)
        {
            case (16, 1, 1): Rows<N16, One, One, TL, TAct>(ref block); break;
            case (16, 1, 2): Rows<N16, One, Two, TL, TAct>(ref block); break;
            case (14, 1, 1): Rows<N14, One, One, TL, TAct>(ref block); break;
            case (14, 1, 2): Rows<N14, One, Two, TL, TAct>(ref block); break;
            case (8, 1, 1): Rows<N8, One, One, TL, TAct>(ref block); break;
            case (8, 1, 2): Rows<N8, One, Two, TL, TAct>(ref block); break;
            case (7, 1, 1): Rows<N7, One, One, TL, TAct>(ref block); break;
            case (7, 1, 2): Rows<N7, One, Two, TL, TAct>(ref block); break;
            case (4, 1, 1): Rows<N4, One, One, TL, TAct>(ref block); break;
            case (4, 1, 2): Rows<N4, One, Two, TL, TAct>(ref block); break;
            case (8, 2, 1): Rows<N8, Two, One, TL, TAct>(ref block); break;
            case (8, 2, 2): Rows<N8, Two, Two, TL, TAct>(ref block); break;
            case (7, 2, 1): Rows<N7, Two, One, TL, TAct>(ref block); break;
            case (7, 2, 2): Rows<N7, Two, Two, TL, TAct>(ref block); break;
            case (4, 2, 1): Rows<N4, Two, One, TL, TAct>(ref block); break;
            case (4, 2, 2): Rows<N4, Two, Two, TL, TAct>(ref block); break;
            default: throw new InvalidOperationException($"Conv2d.Forward: no channels-last block of width {block.Geo.Width} × {block.Geo.Blocks} vectors at stride {block.Shape.StrideW}.");
        }
    }

    /// <summary>
    /// xt[h, c, w] = x[c, h − ph, w − pw], zero outside the image and past the last row. Each
    /// padded row is written whole, its zero columns with it (16 lanes at a time, loaded from pw
    /// floats before the image row under a mask of the image's columns), so only the rows above
    /// and below the image are cleared: clearing the whole sample first took a tenth of the pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fill(in Conv2dShape s, in Geometry geo, float* x, float* xt)
    {
        int width = s.InWidth, plane = s.InPlane, padW = s.PadW, paddedW = geo.PaddedW, rowStride = geo.RowStride;
        int top = s.PadH * rowStride, imageEnd = (s.PadH + s.InHeight) * rowStride;
        new Span<float>(xt, top).Clear();
        new Span<float>(xt + imageEnd, geo.Length(in s) - imageEnd).Clear();
        // Padded column w reads image column w − pw: lanes [pw, pw + W) of each 16-column block.
        var image = ConvDirect.LaneRange(padW, Math.Min(padW + width, 16));
        var row = ConvDirect.FirstLanes(paddedW);
        for (int h = 0; h < s.InHeight; h++)
        {
            float* to = xt + (nint)(h + s.PadH) * rowStride;
            float* from = x + (nint)h * width - padW;
            if (paddedW <= 16)
            {
                // One block a row (rows up to 14 wide with a padding of 1): the masks are the same for every row.
                for (int c = 0; c < s.InChannels; c++, to += paddedW, from += plane)
                    Avx512F.MaskStore(to, row, Avx512F.MaskLoad(from, image, Vector512<float>.Zero));
                continue;
            }
            for (int c = 0; c < s.InChannels; c++, to += paddedW, from += plane)
                for (int w = 0; w < paddedW; w += 16)
                {
                    var lanes = ConvDirect.LaneRange(Math.Max(padW - w, 0), Math.Min(padW + width - w, 16));
                    Avx512F.MaskStore(to + w, ConvDirect.FirstLanes(paddedW - w), Avx512F.MaskLoad(from + w, lanes, Vector512<float>.Zero));
                }
        }
    }

    /// <summary>What one call's register blocks share.</summary>
    private struct Block<TAct> where TAct : struct, IActivation<TAct>
    {
        public Conv2dShape Shape;
        public Geometry Geo;
        public float* Input, Weights, Bias, Output;
        public int WeightStride;
        public TAct Activation;
        /// <summary>Add into the output (an input gradient that other branches also reach) instead of writing it.</summary>
        public bool Accumulate;
        /// <summary>
        /// Where the input channels of a pixel lie: padded rows <see cref="InputRowStride"/> floats
        /// apart; <see cref="Groups"/> runs of <see cref="GroupChannels"/> channels, <see cref="GroupStride"/>
        /// floats apart, each channel <see cref="ChannelStep"/> after the one before (planes: one run,
        /// a padded row apart; channel blocks: runs of 16 neighbours, a block apart).
        /// </summary>
        public int InputRowStride, ChannelStep, GroupChannels, Groups, GroupStride;
        /// <summary>Whether the output is in channel blocks: its rows and blocks, and the residual in its layout (or null).</summary>
        public bool BlockedOutput;
        public int OutputRowStride, OutputBlockStride;
        public float* Residual;
    }

    /// <summary>The planes' [row, channel, column] rows: neighbouring pixels of a channel are adjacent.</summary>
    private struct Planes : IConstant { public static int Value => 1; }

    /// <summary>Channel blocks: neighbouring pixels of a channel are a vector of 16 channels apart.</summary>
    private struct Blocked : IConstant { public static int Value => ChannelBlocks.Lanes; }

    /// <summary>Every output row, in blocks of N columns, for each group of B channel vectors (then a lone vector if one is left).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TN, TB, TS, TL, TAct>(ref Block<TAct> block)
        where TN : struct, IConstant where TB : struct, IConstant where TS : struct, IConstant where TL : struct, IConstant where TAct : struct, IActivation<TAct>
    {
        ref readonly var s = ref block.Shape;
        int n = TN.Value, pad = block.WeightStride, outW = s.OutWidth, outH = s.OutHeight;
        for (int i = 0; i < outH; i++)
            for (int j = 0; j < outW; j += n)
            {
                int columns = Math.Min(n, outW - j), o = 0;
                for (; o + 16 * TB.Value <= pad; o += 16 * TB.Value) Compute<TN, TB, TS, TL, TAct>(ref block, i, j, columns, o);
                if (o < pad) Compute<TN, One, TS, TL, TAct>(ref block, i, j, columns, o);
            }
    }

    /// <summary>
    /// Outputs (i, j … j + N − 1) of channels o … o + 16·B − 1: N·B accumulators, per input
    /// channel and tap B weight vectors and N broadcasts; then the transpose and the stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute<TN, TB, TS, TL, TAct>(ref Block<TAct> block, int i, int j, int columns, int o)
        where TN : struct, IConstant where TB : struct, IConstant where TS : struct, IConstant where TL : struct, IConstant where TAct : struct, IActivation<TAct>
    {
        ref readonly var s = ref block.Shape;
        // sw: floats between the inputs of neighbouring outputs for one channel and tap.
        int n = TN.Value, sw = TS.Value * TL.Value, pad = block.WeightStride;
        int step = block.ChannelStep, runs = block.Groups, run = block.GroupChannels, runStride = block.GroupStride;
        bool two = TB.Value == 2;
        var bias0 = Vector512.Load(block.Bias + o);
        var bias1 = two ? Vector512.Load(block.Bias + o + 16) : default;
        Vector512<float> a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0, a7 = bias0;
        Vector512<float> a8 = bias0, a9 = bias0, a10 = bias0, a11 = bias0, a12 = bias0, a13 = bias0, a14 = bias0, a15 = bias0;
        // Two vectors: the second's accumulators take a8…a15 (N ≤ 8).
        if (two) { a8 = bias1; a9 = bias1; a10 = bias1; a11 = bias1; a12 = bias1; a13 = bias1; a14 = bias1; a15 = bias1; }
        float* w = block.Weights + o;
        for (int u = 0; u < s.KernelHeight; u++)
        {
            float* row = block.Input + (nint)(i * s.StrideH + u * s.DilationH) * block.InputRowStride + j * sw;
            for (int v = 0; v < s.KernelWidth; v++)
            for (int g = 0; g < runs; g++)
            {
                float* p = row + v * s.DilationW * TL.Value + (nint)g * runStride;
                for (int c = 0; c < run; c++, p += step, w += pad)
                {
                    var w0 = Vector512.Load(w);
                    if (two)
                    {
                        var w1 = Vector512.Load(w + 16);
                        Vector512<float> x;
                        x = Vector512.Create(p[0]); a0 = Avx512F.FusedMultiplyAdd(x, w0, a0); a8 = Avx512F.FusedMultiplyAdd(x, w1, a8);
                        x = Vector512.Create(p[sw]); a1 = Avx512F.FusedMultiplyAdd(x, w0, a1); a9 = Avx512F.FusedMultiplyAdd(x, w1, a9);
                        x = Vector512.Create(p[2 * sw]); a2 = Avx512F.FusedMultiplyAdd(x, w0, a2); a10 = Avx512F.FusedMultiplyAdd(x, w1, a10);
                        x = Vector512.Create(p[3 * sw]); a3 = Avx512F.FusedMultiplyAdd(x, w0, a3); a11 = Avx512F.FusedMultiplyAdd(x, w1, a11);
                        if (n > 4) { x = Vector512.Create(p[4 * sw]); a4 = Avx512F.FusedMultiplyAdd(x, w0, a4); a12 = Avx512F.FusedMultiplyAdd(x, w1, a12); }
                        if (n > 5) { x = Vector512.Create(p[5 * sw]); a5 = Avx512F.FusedMultiplyAdd(x, w0, a5); a13 = Avx512F.FusedMultiplyAdd(x, w1, a13); }
                        if (n > 6) { x = Vector512.Create(p[6 * sw]); a6 = Avx512F.FusedMultiplyAdd(x, w0, a6); a14 = Avx512F.FusedMultiplyAdd(x, w1, a14); }
                        if (n > 7) { x = Vector512.Create(p[7 * sw]); a7 = Avx512F.FusedMultiplyAdd(x, w0, a7); a15 = Avx512F.FusedMultiplyAdd(x, w1, a15); }
                        continue;
                    }
                    a0 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[0]), w0, a0);
                    a1 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[sw]), w0, a1);
                    a2 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[2 * sw]), w0, a2);
                    a3 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[3 * sw]), w0, a3);
                    if (n > 4) a4 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[4 * sw]), w0, a4);
                    if (n > 5) a5 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[5 * sw]), w0, a5);
                    if (n > 6) a6 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[6 * sw]), w0, a6);
                    if (n > 7) a7 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[7 * sw]), w0, a7);
                    if (n > 8) a8 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[8 * sw]), w0, a8);
                    if (n > 9) a9 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[9 * sw]), w0, a9);
                    if (n > 10) a10 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[10 * sw]), w0, a10);
                    if (n > 11) a11 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[11 * sw]), w0, a11);
                    if (n > 12) a12 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[12 * sw]), w0, a12);
                    if (n > 13) a13 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[13 * sw]), w0, a13);
                    if (n > 14) a14 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[14 * sw]), w0, a14);
                    if (n > 15) a15 = Avx512F.FusedMultiplyAdd(Vector512.Create(p[15 * sw]), w0, a15);
                }
            }
        }
        if (TL.Value == 1 || !block.BlockedOutput) Finish(ref block, i, j, columns, o, two, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15);
        else FinishBlocked(ref block, i, j, columns, o, two, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15);
    }

    /// <summary>
    /// Channel blocks: each accumulator is 16 channels of one output pixel, stored as it is after the
    /// residual (added first, as <see cref="Conv2d.ForwardResidual{TAct}"/> adds it) and the
    /// activation. With two vectors, a0…a7 are the first block's pixels and a8…a15 the next block's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishBlocked<TAct>(ref Block<TAct> block, int i, int j, int columns, int o, bool two,
        Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7,
        Vector512<float> a8, Vector512<float> a9, Vector512<float> a10, Vector512<float> a11,
        Vector512<float> a12, Vector512<float> a13, Vector512<float> a14, Vector512<float> a15) where TAct : struct, IActivation<TAct>
    {
        const int L = ChannelBlocks.Lanes;
        nint at = (nint)(o / L) * block.OutputBlockStride + (nint)i * block.OutputRowStride + j * L;
        float* y = block.Output + at, r = block.Residual == null ? null : block.Residual + at;
        var f = block.Activation;
        Put(y, r, 0, columns, a0, f); Put(y, r, 1, columns, a1, f); Put(y, r, 2, columns, a2, f); Put(y, r, 3, columns, a3, f);
        Put(y, r, 4, columns, a4, f); Put(y, r, 5, columns, a5, f); Put(y, r, 6, columns, a6, f); Put(y, r, 7, columns, a7, f);
        // a8…a15: pixels 8…15 of this block, or, with two vectors, pixels 0…7 of the next.
        int k = two ? 0 : 8;
        if (two)
        {
            y += block.OutputBlockStride;
            if (r != null) r += block.OutputBlockStride;
        }
        Put(y, r, k, columns, a8, f); Put(y, r, k + 1, columns, a9, f); Put(y, r, k + 2, columns, a10, f); Put(y, r, k + 3, columns, a11, f);
        Put(y, r, k + 4, columns, a12, f); Put(y, r, k + 5, columns, a13, f); Put(y, r, k + 6, columns, a14, f); Put(y, r, k + 7, columns, a15, f);
    }

    /// <summary>Pixel k of a block, if the block holds it: f(residual + value), or f(value) without a residual.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TAct>(float* y, float* residual, int k, int columns, Vector512<float> value, TAct f) where TAct : struct, IActivation<TAct>
    {
        if (k >= columns) return;
        nint at = k * ChannelBlocks.Lanes;
        f.Forward(residual == null ? value : Vector512.Load(residual + at) + value).Store(y + at);
    }

    /// <summary>
    /// The activation, then the transpose: rows (positions; with two vectors, positions of the
    /// first then of the second) become lanes, so a_l holds channel o + l's outputs in lanes
    /// 0…N − 1 (and, with two vectors, channel o + 16 + l's in lanes 8…8 + N − 1); then the
    /// stores. A call of its own: the accumulators are passed by value, so the inner loop never
    /// sees their addresses taken (the transpose inlined into it kept them in memory).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Finish<TAct>(ref Block<TAct> block, int i, int j, int columns, int o, bool two,
        Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7,
        Vector512<float> a8, Vector512<float> a9, Vector512<float> a10, Vector512<float> a11,
        Vector512<float> a12, Vector512<float> a13, Vector512<float> a14, Vector512<float> a15) where TAct : struct, IActivation<TAct>
    {
        var f = block.Activation;
        a0 = f.Forward(a0); a1 = f.Forward(a1); a2 = f.Forward(a2); a3 = f.Forward(a3);
        a4 = f.Forward(a4); a5 = f.Forward(a5); a6 = f.Forward(a6); a7 = f.Forward(a7);
        a8 = f.Forward(a8); a9 = f.Forward(a9); a10 = f.Forward(a10); a11 = f.Forward(a11);
        a12 = f.Forward(a12); a13 = f.Forward(a13); a14 = f.Forward(a14); a15 = f.Forward(a15);
        Transpose(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref a8, ref a9, ref a10, ref a11, ref a12, ref a13, ref a14, ref a15);
        ref readonly var s = ref block.Shape;
        int outPlane = s.OutHeight * s.OutWidth, kept = s.OutChannels - o;
        float* y = block.Output + (nint)o * outPlane + i * s.OutWidth + j;
        var lanes = ConvDirect.FirstLanes(columns);
        if (two) lanes |= ConvDirect.LaneRange(8, 8 + columns);
        bool add = block.Accumulate;
        Store(y, outPlane, kept, two, add, lanes, a0, 0); Store(y, outPlane, kept, two, add, lanes, a1, 1);
        Store(y, outPlane, kept, two, add, lanes, a2, 2); Store(y, outPlane, kept, two, add, lanes, a3, 3);
        Store(y, outPlane, kept, two, add, lanes, a4, 4); Store(y, outPlane, kept, two, add, lanes, a5, 5);
        Store(y, outPlane, kept, two, add, lanes, a6, 6); Store(y, outPlane, kept, two, add, lanes, a7, 7);
        Store(y, outPlane, kept, two, add, lanes, a8, 8); Store(y, outPlane, kept, two, add, lanes, a9, 9);
        Store(y, outPlane, kept, two, add, lanes, a10, 10); Store(y, outPlane, kept, two, add, lanes, a11, 11);
        Store(y, outPlane, kept, two, add, lanes, a12, 12); Store(y, outPlane, kept, two, add, lanes, a13, 13);
        Store(y, outPlane, kept, two, add, lanes, a14, 14); Store(y, outPlane, kept, two, add, lanes, a15, 15);
    }

    /// <summary>
    /// Channel l's outputs: lanes 0…N − 1 to its row; with two vectors, lanes 8…8 + N − 1 to
    /// channel l + 16's row (stored from 8 floats before it, those lanes masked off). Channels past
    /// the layer's are not stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* y, int outPlane, int kept, bool two, bool add, Vector512<float> lanes, Vector512<float> value, int l)
    {
        if (!two)
        {
            if (l < kept) Put(y + (nint)l * outPlane, lanes, value, add);
            return;
        }
        var low = Vector512.Create(-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0).AsSingle();
        if (l < kept) Put(y + (nint)l * outPlane, lanes & low, value, add);
        if (l + 16 < kept) Put(y + (nint)(l + 16) * outPlane - 8, Vector512.AndNot(lanes, low), value, add);
    }

    /// <summary>The masked lanes of <paramref name="value"/> written to, or added to, <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* at, Vector512<float> lanes, Vector512<float> value, bool add) =>
        Avx512F.MaskStore(at, lanes, add ? Avx512F.MaskLoad(at, lanes, Vector512<float>.Zero) + value : value);

    /// <summary>
    /// Sixteen vectors turned in registers: four rounds, each swapping one bit of the row index with
    /// the same bit of the lane index between pairs of rows; after them, lane k of a_l is what lane l
    /// of a_k was.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose(ref Vector512<float> a0, ref Vector512<float> a1, ref Vector512<float> a2, ref Vector512<float> a3,
        ref Vector512<float> a4, ref Vector512<float> a5, ref Vector512<float> a6, ref Vector512<float> a7,
        ref Vector512<float> a8, ref Vector512<float> a9, ref Vector512<float> a10, ref Vector512<float> a11,
        ref Vector512<float> a12, ref Vector512<float> a13, ref Vector512<float> a14, ref Vector512<float> a15)
    {
        Swap(8, ref a0, ref a8); Swap(8, ref a1, ref a9); Swap(8, ref a2, ref a10); Swap(8, ref a3, ref a11);
        Swap(8, ref a4, ref a12); Swap(8, ref a5, ref a13); Swap(8, ref a6, ref a14); Swap(8, ref a7, ref a15);
        Swap(4, ref a0, ref a4); Swap(4, ref a1, ref a5); Swap(4, ref a2, ref a6); Swap(4, ref a3, ref a7);
        Swap(4, ref a8, ref a12); Swap(4, ref a9, ref a13); Swap(4, ref a10, ref a14); Swap(4, ref a11, ref a15);
        Swap(2, ref a0, ref a2); Swap(2, ref a1, ref a3); Swap(2, ref a4, ref a6); Swap(2, ref a5, ref a7);
        Swap(2, ref a8, ref a10); Swap(2, ref a9, ref a11); Swap(2, ref a12, ref a14); Swap(2, ref a13, ref a15);
        Swap(1, ref a0, ref a1); Swap(1, ref a2, ref a3); Swap(1, ref a4, ref a5); Swap(1, ref a6, ref a7);
        Swap(1, ref a8, ref a9); Swap(1, ref a10, ref a11); Swap(1, ref a12, ref a13); Swap(1, ref a14, ref a15);
    }

    /// <summary>
    /// Rows r and r + d (bit d of r clear) exchange bit d with the lane index: the new row r holds
    /// the old lanes with bit d clear of both (r's in place, r + d's moved up by d), the new row r + d
    /// those with bit d set.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Swap(int d, ref Vector512<float> r, ref Vector512<float> rd)
    {
        // Indices of a two-source permute: 0…15 the first source, 16…31 the second.
        var (low, high) = SwapIndices[d switch { 8 => 0, 4 => 1, 2 => 2, _ => 3 }];
        var newLow = Avx512F.PermuteVar16x32x2(r, low, rd);
        rd = Avx512F.PermuteVar16x32x2(r, high, rd);
        r = newLow;
    }

    /// <summary>
    /// For d = 8, 4, 2, 1: lane c of the new row r takes lane c of r if bit d of c is clear, else
    /// lane c − d of r + d; lane c of the new row r + d takes lane c + d of r, else lane c of r + d.
    /// </summary>
    private static readonly (Vector512<int> Low, Vector512<int> High)[] SwapIndices =
        [.. new[] { 8, 4, 2, 1 }.Select(d =>
        {
            var lanes = Vector512<int>.Indices;
            var clear = Vector512.Equals(lanes & Vector512.Create(d), Vector512<int>.Zero);
            return (Vector512.ConditionalSelect(clear, lanes, lanes + Vector512.Create(16 - d)),
                    Vector512.ConditionalSelect(clear, lanes + Vector512.Create(d), lanes + Vector512.Create(16)));
        })];

    internal interface IConstant { static abstract int Value { get; } }
    private struct One : IConstant { public static int Value => 1; }
    private struct Two : IConstant { public static int Value => 2; }
    private struct N4 : IConstant { public static int Value => 4; }
    private struct N7 : IConstant { public static int Value => 7; }
    private struct N8 : IConstant { public static int Value => 8; }
    private struct N14 : IConstant { public static int Value => 14; }
    private struct N16 : IConstant { public static int Value => 16; }
}
