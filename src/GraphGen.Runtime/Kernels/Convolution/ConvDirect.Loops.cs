using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>The register-blocked inner loops of <see cref="ConvDirect"/> and the copies that feed them.</summary>
internal static unsafe partial class ConvDirect
{
    /// <summary>Zero-padded copies of the geometry's source planes (every float of every slot is written).</summary>
    private static void FillPadded(in Geometry geo, float* source, float* padded)
    {
        new Span<float>(padded, geo.Channels * geo.PlaneStride).Clear();
        for (int c = 0; c < geo.Channels; c++)
        {
            float* from = source + (nint)c * geo.SourceH * geo.SourceW;
            float* to = padded + (nint)c * geo.PlaneStride + geo.PadH * geo.PaddedW + geo.PadW;
            for (int h = 0; h < geo.SourceH; h++)
                CopyRow(from + h * geo.SourceW, to + h * geo.PaddedW, geo.SourceW);
        }
    }

    // The rows these copies move are short (7–28 floats: a Span copy's call and length checks cost
    // more than the copy), so they move 16 lanes at a time and mask the last block: nothing outside
    // the row is read or written.

    /// <summary>Lanes [0, n) of a 16-lane block.</summary>
    internal static Vector512<float> FirstLanes(int n) => Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n)).AsSingle();

    /// <summary>Lanes [from, to) of a 16-lane block.</summary>
    internal static Vector512<float> LaneRange(int from, int to) => Vector512.AndNot(FirstLanes(to), FirstLanes(from));

    /// <summary>The even lanes of a pair of blocks, for a two-source permute: lane i takes lane 2i of (a, b).</summary>
    internal static Vector512<int> EvenLanes => Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);

    /// <summary>The odd lanes of a pair of blocks: lane i takes lane 2i + 1 of (a, b).</summary>
    internal static Vector512<int> OddLanes => EvenLanes + Vector512<int>.One;

    /// <summary>to[j] = from[j] for j &lt; width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyRow(float* from, float* to, int width)
    {
        if (!Avx512F.IsSupported)
        {
            new ReadOnlySpan<float>(from, width).CopyTo(new Span<float>(to, width));
            return;
        }
        int j = 0;
        for (; j <= width - 16; j += 16) Vector512.Store(Vector512.Load(from + j), to + j);
        if (j < width)
        {
            var lanes = FirstLanes(width - j);
            Avx512F.MaskStore(to + j, lanes, Avx512F.MaskLoad(from + j, lanes, Vector512<float>.Zero));
        }
    }

    /// <summary>to[j] (+)= from[j] for j &lt; width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyOrAddRow(float* from, float* to, int width, bool accumulate)
    {
        if (!accumulate)
        {
            CopyRow(from, to, width);
            return;
        }
        if (!Avx512F.IsSupported)
        {
            SpanMath.Add(new ReadOnlySpan<float>(from, width), new Span<float>(to, width));
            return;
        }
        int j = 0;
        for (; j <= width - 16; j += 16) Vector512.Store(Vector512.Load(to + j) + Vector512.Load(from + j), to + j);
        if (j < width)
        {
            var lanes = FirstLanes(width - j);
            Avx512F.MaskStore(to + j, lanes, Avx512F.MaskLoad(to + j, lanes, Vector512<float>.Zero) + Avx512F.MaskLoad(from + j, lanes, Vector512<float>.Zero));
        }
    }

    /// <summary>to[j] = f(from[j] + bias) for j &lt; width (the activation's vector form for every value, the tail included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ActivateRow<TAct>(float* from, float* to, int width, float bias, TAct activation) where TAct : struct, IActivation<TAct>
    {
        if (!Avx512F.IsSupported)
        {
            CopyRow(from, to, width);
            BiasActivation.Apply(new Span<float>(to, width), bias, activation);
            return;
        }
        var b = Vector512.Create(bias);
        int j = 0;
        for (; j <= width - 16; j += 16) Vector512.Store(activation.Forward(Vector512.Load(from + j) + b), to + j);
        if (j < width)
        {
            var lanes = FirstLanes(width - j);
            Avx512F.MaskStore(to + j, lanes, activation.Forward(Avx512F.MaskLoad(from + j, lanes, Vector512<float>.Zero) + b));
        }
    }

    /// <summary>dy in the wide layout: dywide[o, i·Wp + j] = dy[o, i, j] for j &lt; OW, 0 elsewhere and for o ≥ channels.</summary>
    private static void FillWide(in Geometry geo, float* dy, int channels, int pad, float* wide)
    {
        new Span<float>(wide, pad * geo.WideLength).Clear();
        for (int o = 0; o < channels; o++)
            for (int i = 0; i < geo.OutH; i++)
                CopyRow(dy + ((nint)o * geo.OutH + i) * geo.OutW, wide + (nint)o * geo.WideLength + i * geo.PaddedW, geo.OutW);
    }

    /// <summary>
    /// block[o, k] = Σ_c Σ_t wt[c, t, o] · padded[c, sink.Position(k) + offset(t) + 0..31] for every o &lt;
    /// outPad and every block k of the sink, in register blocks of <see cref="CorrelationBlock"/>
    /// channels × 32 positions, each handed to the sink as it is finished.
    /// </summary>
    private static void Correlate<TSink>(in Geometry geo, float* padded, float* wt, int outPad, TSink sink) where TSink : struct, IBlockSink
    {
        if (outPad % 8 == 0 && outPad >= 8) Correlate8(in geo, padded, wt, outPad, sink);
        else Correlate4(in geo, padded, wt, outPad, sink);
    }

    /// <summary>4 channels × 32 positions: 8 accumulators; per tap 2 loads, 4 broadcasts, 8 FMAs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Correlate4<TSink>(in Geometry geo, float* padded, float* wt, int outPad, TSink sink) where TSink : struct, IBlockSink
    {
        int taps = geo.Taps, kernelW = geo.KernelW, rowStep = geo.DilationH * geo.PaddedW, dw = geo.DilationW;
        for (int ob = 0; ob < outPad; ob += 4)
            for (int k = 0; k < sink.Blocks; k++)
            {
                int q = sink.Position(k);
                Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default;
                Vector512<float> a20 = default, a21 = default, a30 = default, a31 = default;
                for (int c = 0; c < geo.Channels; c++)
                {
                    float* src = padded + (nint)c * geo.PlaneStride + q;
                    float* w = wt + (nint)c * taps * outPad + ob;
                    for (int u = 0; u < geo.KernelH; u++, src += rowStep)
                    {
                        float* p = src;
                        for (int v = 0; v < kernelW; v++, p += dw, w += outPad)
                        {
                            var x0 = Vector512.Load(p);
                            var x1 = Vector512.Load(p + 16);
                            var w0 = Vector512.Create(w[0]);
                            a00 = Vector512.FusedMultiplyAdd(w0, x0, a00);
                            a01 = Vector512.FusedMultiplyAdd(w0, x1, a01);
                            var w1 = Vector512.Create(w[1]);
                            a10 = Vector512.FusedMultiplyAdd(w1, x0, a10);
                            a11 = Vector512.FusedMultiplyAdd(w1, x1, a11);
                            var w2 = Vector512.Create(w[2]);
                            a20 = Vector512.FusedMultiplyAdd(w2, x0, a20);
                            a21 = Vector512.FusedMultiplyAdd(w2, x1, a21);
                            var w3 = Vector512.Create(w[3]);
                            a30 = Vector512.FusedMultiplyAdd(w3, x0, a30);
                            a31 = Vector512.FusedMultiplyAdd(w3, x1, a31);
                        }
                    }
                }
                sink.Store(ob, k, a00, a01); sink.Store(ob + 1, k, a10, a11);
                sink.Store(ob + 2, k, a20, a21); sink.Store(ob + 3, k, a30, a31);
            }
    }

    /// <summary>8 channels × 32 positions: 16 accumulators; per tap 2 loads, 8 broadcasts, 16 FMAs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Correlate8<TSink>(in Geometry geo, float* padded, float* wt, int outPad, TSink sink) where TSink : struct, IBlockSink
    {
        int taps = geo.Taps, kernelW = geo.KernelW, rowStep = geo.DilationH * geo.PaddedW, dw = geo.DilationW;
        for (int ob = 0; ob < outPad; ob += 8)
            for (int k = 0; k < sink.Blocks; k++)
            {
                int q = sink.Position(k);
                Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default;
                Vector512<float> a20 = default, a21 = default, a30 = default, a31 = default;
                Vector512<float> a40 = default, a41 = default, a50 = default, a51 = default;
                Vector512<float> a60 = default, a61 = default, a70 = default, a71 = default;
                for (int c = 0; c < geo.Channels; c++)
                {
                    float* src = padded + (nint)c * geo.PlaneStride + q;
                    float* w = wt + (nint)c * taps * outPad + ob;
                    for (int u = 0; u < geo.KernelH; u++, src += rowStep)
                    {
                        float* p = src;
                        for (int v = 0; v < kernelW; v++, p += dw, w += outPad)
                        {
                            var x0 = Vector512.Load(p);
                            var x1 = Vector512.Load(p + 16);
                            var wv = Vector512.Create(w[0]);
                            a00 = Vector512.FusedMultiplyAdd(wv, x0, a00);
                            a01 = Vector512.FusedMultiplyAdd(wv, x1, a01);
                            wv = Vector512.Create(w[1]);
                            a10 = Vector512.FusedMultiplyAdd(wv, x0, a10);
                            a11 = Vector512.FusedMultiplyAdd(wv, x1, a11);
                            wv = Vector512.Create(w[2]);
                            a20 = Vector512.FusedMultiplyAdd(wv, x0, a20);
                            a21 = Vector512.FusedMultiplyAdd(wv, x1, a21);
                            wv = Vector512.Create(w[3]);
                            a30 = Vector512.FusedMultiplyAdd(wv, x0, a30);
                            a31 = Vector512.FusedMultiplyAdd(wv, x1, a31);
                            wv = Vector512.Create(w[4]);
                            a40 = Vector512.FusedMultiplyAdd(wv, x0, a40);
                            a41 = Vector512.FusedMultiplyAdd(wv, x1, a41);
                            wv = Vector512.Create(w[5]);
                            a50 = Vector512.FusedMultiplyAdd(wv, x0, a50);
                            a51 = Vector512.FusedMultiplyAdd(wv, x1, a51);
                            wv = Vector512.Create(w[6]);
                            a60 = Vector512.FusedMultiplyAdd(wv, x0, a60);
                            a61 = Vector512.FusedMultiplyAdd(wv, x1, a61);
                            wv = Vector512.Create(w[7]);
                            a70 = Vector512.FusedMultiplyAdd(wv, x0, a70);
                            a71 = Vector512.FusedMultiplyAdd(wv, x1, a71);
                        }
                    }
                }
                sink.Store(ob, k, a00, a01); sink.Store(ob + 1, k, a10, a11);
                sink.Store(ob + 2, k, a20, a21); sink.Store(ob + 3, k, a30, a31);
                sink.Store(ob + 4, k, a40, a41); sink.Store(ob + 5, k, a50, a51);
                sink.Store(ob + 6, k, a60, a61); sink.Store(ob + 7, k, a70, a71);
            }
    }

    /// <summary>
    /// For a block of 8 output channels and 3 taps of one input channel: lanes[o·3 + t] (+)=
    /// Σ_samples dywide[o, q] · xpad[c, q + offset(t)] over q in 16-lane vectors (started from zero when
    /// <paramref name="resume"/> is false, else from the stored accumulators). 24 accumulators; per 16
    /// positions 3 unaligned x loads, 8 dy loads, 24 FMAs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotBlock8(in Geometry geo, float* xc, int* offsets, float* dyBlock, int samples, nint xStride, nint dyStride, float* lanes, bool resume)
    {
        nint stride = geo.WideLength;
        Vector512<float> s00 = default, s01 = default, s02 = default, s10 = default, s11 = default, s12 = default;
        Vector512<float> s20 = default, s21 = default, s22 = default, s30 = default, s31 = default, s32 = default;
        Vector512<float> s40 = default, s41 = default, s42 = default, s50 = default, s51 = default, s52 = default;
        Vector512<float> s60 = default, s61 = default, s62 = default, s70 = default, s71 = default, s72 = default;
        if (resume)
        {
            s00 = Vector512.Load(lanes); s01 = Vector512.Load(lanes + 16); s02 = Vector512.Load(lanes + 32);
            s10 = Vector512.Load(lanes + 48); s11 = Vector512.Load(lanes + 64); s12 = Vector512.Load(lanes + 80);
            s20 = Vector512.Load(lanes + 96); s21 = Vector512.Load(lanes + 112); s22 = Vector512.Load(lanes + 128);
            s30 = Vector512.Load(lanes + 144); s31 = Vector512.Load(lanes + 160); s32 = Vector512.Load(lanes + 176);
            s40 = Vector512.Load(lanes + 192); s41 = Vector512.Load(lanes + 208); s42 = Vector512.Load(lanes + 224);
            s50 = Vector512.Load(lanes + 240); s51 = Vector512.Load(lanes + 256); s52 = Vector512.Load(lanes + 272);
            s60 = Vector512.Load(lanes + 288); s61 = Vector512.Load(lanes + 304); s62 = Vector512.Load(lanes + 320);
            s70 = Vector512.Load(lanes + 336); s71 = Vector512.Load(lanes + 352); s72 = Vector512.Load(lanes + 368);
        }
        for (int i = 0; i < samples; i++, xc += xStride, dyBlock += dyStride)
        {
            float* x0 = xc + offsets[0], x1 = xc + offsets[1], x2 = xc + offsets[2];
            float* d = dyBlock;
            for (int q = 0; q < geo.WideLength; q += 16)
            {
                var v0 = Vector512.Load(x0 + q); var v1 = Vector512.Load(x1 + q); var v2 = Vector512.Load(x2 + q);
                var g = Vector512.Load(d + q);
                s00 = Vector512.FusedMultiplyAdd(g, v0, s00); s01 = Vector512.FusedMultiplyAdd(g, v1, s01); s02 = Vector512.FusedMultiplyAdd(g, v2, s02);
                g = Vector512.Load(d + stride + q);
                s10 = Vector512.FusedMultiplyAdd(g, v0, s10); s11 = Vector512.FusedMultiplyAdd(g, v1, s11); s12 = Vector512.FusedMultiplyAdd(g, v2, s12);
                g = Vector512.Load(d + 2 * stride + q);
                s20 = Vector512.FusedMultiplyAdd(g, v0, s20); s21 = Vector512.FusedMultiplyAdd(g, v1, s21); s22 = Vector512.FusedMultiplyAdd(g, v2, s22);
                g = Vector512.Load(d + 3 * stride + q);
                s30 = Vector512.FusedMultiplyAdd(g, v0, s30); s31 = Vector512.FusedMultiplyAdd(g, v1, s31); s32 = Vector512.FusedMultiplyAdd(g, v2, s32);
                g = Vector512.Load(d + 4 * stride + q);
                s40 = Vector512.FusedMultiplyAdd(g, v0, s40); s41 = Vector512.FusedMultiplyAdd(g, v1, s41); s42 = Vector512.FusedMultiplyAdd(g, v2, s42);
                g = Vector512.Load(d + 5 * stride + q);
                s50 = Vector512.FusedMultiplyAdd(g, v0, s50); s51 = Vector512.FusedMultiplyAdd(g, v1, s51); s52 = Vector512.FusedMultiplyAdd(g, v2, s52);
                g = Vector512.Load(d + 6 * stride + q);
                s60 = Vector512.FusedMultiplyAdd(g, v0, s60); s61 = Vector512.FusedMultiplyAdd(g, v1, s61); s62 = Vector512.FusedMultiplyAdd(g, v2, s62);
                g = Vector512.Load(d + 7 * stride + q);
                s70 = Vector512.FusedMultiplyAdd(g, v0, s70); s71 = Vector512.FusedMultiplyAdd(g, v1, s71); s72 = Vector512.FusedMultiplyAdd(g, v2, s72);
            }
        }
        Vector512.Store(s00, lanes); Vector512.Store(s01, lanes + 16); Vector512.Store(s02, lanes + 32);
        Vector512.Store(s10, lanes + 48); Vector512.Store(s11, lanes + 64); Vector512.Store(s12, lanes + 80);
        Vector512.Store(s20, lanes + 96); Vector512.Store(s21, lanes + 112); Vector512.Store(s22, lanes + 128);
        Vector512.Store(s30, lanes + 144); Vector512.Store(s31, lanes + 160); Vector512.Store(s32, lanes + 176);
        Vector512.Store(s40, lanes + 192); Vector512.Store(s41, lanes + 208); Vector512.Store(s42, lanes + 224);
        Vector512.Store(s50, lanes + 240); Vector512.Store(s51, lanes + 256); Vector512.Store(s52, lanes + 272);
        Vector512.Store(s60, lanes + 288); Vector512.Store(s61, lanes + 304); Vector512.Store(s62, lanes + 320);
        Vector512.Store(s70, lanes + 336); Vector512.Store(s71, lanes + 352); Vector512.Store(s72, lanes + 368);
    }

    /// <summary>As <see cref="DotBlock8"/> for a block of 4 output channels (groups of fewer than 8): 12 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotBlock4(in Geometry geo, float* xc, int* offsets, float* dyBlock, int samples, nint xStride, nint dyStride, float* lanes, bool resume)
    {
        nint stride = geo.WideLength;
        Vector512<float> s00 = default, s01 = default, s02 = default, s10 = default, s11 = default, s12 = default;
        Vector512<float> s20 = default, s21 = default, s22 = default, s30 = default, s31 = default, s32 = default;
        if (resume)
        {
            s00 = Vector512.Load(lanes); s01 = Vector512.Load(lanes + 16); s02 = Vector512.Load(lanes + 32);
            s10 = Vector512.Load(lanes + 48); s11 = Vector512.Load(lanes + 64); s12 = Vector512.Load(lanes + 80);
            s20 = Vector512.Load(lanes + 96); s21 = Vector512.Load(lanes + 112); s22 = Vector512.Load(lanes + 128);
            s30 = Vector512.Load(lanes + 144); s31 = Vector512.Load(lanes + 160); s32 = Vector512.Load(lanes + 176);
        }
        for (int i = 0; i < samples; i++, xc += xStride, dyBlock += dyStride)
        {
            float* x0 = xc + offsets[0], x1 = xc + offsets[1], x2 = xc + offsets[2];
            float* d = dyBlock;
            for (int q = 0; q < geo.WideLength; q += 16)
            {
                var v0 = Vector512.Load(x0 + q); var v1 = Vector512.Load(x1 + q); var v2 = Vector512.Load(x2 + q);
                var g = Vector512.Load(d + q);
                s00 = Vector512.FusedMultiplyAdd(g, v0, s00); s01 = Vector512.FusedMultiplyAdd(g, v1, s01); s02 = Vector512.FusedMultiplyAdd(g, v2, s02);
                g = Vector512.Load(d + stride + q);
                s10 = Vector512.FusedMultiplyAdd(g, v0, s10); s11 = Vector512.FusedMultiplyAdd(g, v1, s11); s12 = Vector512.FusedMultiplyAdd(g, v2, s12);
                g = Vector512.Load(d + 2 * stride + q);
                s20 = Vector512.FusedMultiplyAdd(g, v0, s20); s21 = Vector512.FusedMultiplyAdd(g, v1, s21); s22 = Vector512.FusedMultiplyAdd(g, v2, s22);
                g = Vector512.Load(d + 3 * stride + q);
                s30 = Vector512.FusedMultiplyAdd(g, v0, s30); s31 = Vector512.FusedMultiplyAdd(g, v1, s31); s32 = Vector512.FusedMultiplyAdd(g, v2, s32);
            }
        }
        Vector512.Store(s00, lanes); Vector512.Store(s01, lanes + 16); Vector512.Store(s02, lanes + 32);
        Vector512.Store(s10, lanes + 48); Vector512.Store(s11, lanes + 64); Vector512.Store(s12, lanes + 80);
        Vector512.Store(s20, lanes + 96); Vector512.Store(s21, lanes + 112); Vector512.Store(s22, lanes + 128);
        Vector512.Store(s30, lanes + 144); Vector512.Store(s31, lanes + 160); Vector512.Store(s32, lanes + 176);
    }
}
