using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// Max and average pooling over NCHW batches (PyTorch's <c>MaxPool2d</c>, <c>AvgPool2d</c> with
/// count_include_pad = true and ceil_mode = false) and global average pooling. Window (i, j) covers
/// rows i·sh − ph .. i·sh − ph + KH − 1 and columns j·sw − pw .. j·sw − pw + KW − 1, clipped to the image:
/// <code>
/// max      y[i, j] = max over the window;  argmax[i, j] = h·W + w of the first maximum in row-major order
///          (a NaN wins, as in PyTorch); dx[argmax[i, j]] += dy[i, j]
/// average  y[i, j] = (Σ over the window) / (KH·KW);  dx[h, w] += dy[i, j] / (KH·KW) for every window holding (h, w)
/// global   y[b, c] = (Σ_p x[b, c, p]) / P;  dx[b, c, p] = dy[b, c] / P
/// </code>
/// Padding never wins a max (it counts as −∞) and adds 0 to a sum but counts in the divisor
/// (with ceil_mode = false every window lies inside the padded image, so the divisor is always KH·KW).
/// </summary>
public static partial class Pool2d
{
    /// <summary>y = max over each window; argmax holds the index within the input plane (h·InWidth + w) of the winner.</summary>
    public static unsafe void MaxForward(in Pool2dShape s, int batch, ReadOnlySpan<float> x, Span<float> y, Span<int> argmax)
    {
        const string Kernel = "Pool2d.MaxForward";
        Check(in s, batch, Kernel, nameof(x), x.Length, nameof(y), y.Length);
        KernelChecks.Length(argmax.Length, Kernel, nameof(argmax), "[batch, Channels, OutHeight, OutWidth]", batch, s.Channels, s.OutHeight, s.OutWidth);
        fixed (float* px = x, py = y)
        fixed (int* pa = argmax)
            RunPlanes(in s, batch, backward: false, px, py, pa, accumulate: false, null, default(Identity));
    }

    /// <summary>One plane of <see cref="MaxForward"/>.</summary>
    internal static unsafe void MaxForwardPlane(in Pool2dShape s, float* xp, float* yp, int* ap)
    {
        int outH = s.OutHeight, outW = s.OutWidth, width = s.InWidth; // properties divide: hoist them
        bool pairs = PairsApply(in s);
        for (int i = 0; i < outH; i++)
        {
            var (h0, h1) = Window(i, s.StrideH, s.PadH, s.KernelH, s.InHeight);
            int j = pairs ? MaxPairs(xp + 2 * i * width, width, 2 * i * width, outW, yp, ap) : 0;
            for (; j < outW; j++)
            {
                var (w0, w1) = Window(j, s.StrideW, s.PadW, s.KernelW, width);
                float max = float.NegativeInfinity;
                int maxBits = BitConverter.SingleToInt32Bits(max);
                int at = h0 * width + w0;
                for (int h = h0; h < h1; h++)
                {
                    float* row = xp + h * width;
                    for (int w = w0; w < w1; w++)
                    {
                        // Take v if it is larger or NaN, without a branch (random data
                        // mispredicts half the time): an all-ones mask selects the bits.
                        float v = row[w];
                        int take = -((v > max ? 1 : 0) | (float.IsNaN(v) ? 1 : 0));
                        maxBits = (maxBits & ~take) | (BitConverter.SingleToInt32Bits(v) & take);
                        max = BitConverter.Int32BitsToSingle(maxBits);
                        at = (at & ~take) | ((h * width + w) & take);
                    }
                }
                yp[j] = max;
                ap[j] = at;
            }
            yp += outW;
            ap += outW;
        }
    }

    /// <summary>
    /// One plane of max pooling, values only (inference, nothing reads an argmax): 2×2 windows of
    /// stride 2 by <see cref="MaxPairsPlane"/>, others by <see cref="MaxForwardPlane"/> with its
    /// argmax written into <paramref name="scratch"/> (OutPlane ints). The same bits as <see cref="MaxForward"/>.
    /// </summary>
    internal static unsafe void MaxValuesPlane(in Pool2dShape s, float* xp, float* yp, int* scratch)
    {
        if (PairsApply(in s)) MaxPairsPlane(xp, s.InWidth, s.OutHeight, s.OutWidth, yp);
        else MaxForwardPlane(in s, xp, yp, scratch);
    }

    /// <summary>2×2 windows of stride 2 without padding (LeNet's and ResNet's), on AVX-512: the vector paths of <c>Pool2d.Pairs.cs</c>.</summary>
    internal static bool PairsApply(in Pool2dShape s) =>
        s is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0 } && Avx512F.IsSupported;

    /// <summary>dx (+)= dy routed to each window's winner: dx[argmax[i, j]] += dy[i, j] (zero elsewhere when writing).</summary>
    public static void MaxBackward(in Pool2dShape s, int batch, ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, bool accumulate) =>
        MaxBackwardChecked(in s, batch, dy, argmax, dx, accumulate, source: default, default(Identity));

    /// <summary>
    /// Max pooling backward with the derivative of the activation that produced the pooled input
    /// applied on the way: dx = 0 except dx[argmax[i, j]] += dy[i, j], then dx ⊙ f′(s), with s the
    /// activation's output. Equal to <see cref="MaxBackward(in Pool2dShape, int, ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, bool)"/>
    /// followed by <see cref="Activations.Backward"/>, bit for bit: each plane is routed and then
    /// multiplied by f′ while it is in L1, so the gradient of the activation's output is never
    /// stored as a tensor (and never crosses to another core between the two steps). Only for
    /// activations whose derivative is taken from their output (<see cref="IActivation{TSelf}.DerivativeFromInput"/>
    /// false), whose scalar and vector derivatives are the same operations.
    /// </summary>
    public static void MaxBackward<TAct>(in Pool2dShape s, int batch, ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx,
        TAct activation, ReadOnlySpan<float> source) where TAct : struct, IActivation<TAct>
    {
        if (TAct.DerivativeFromInput)
            throw new ArgumentException($"{MaxBackwardKernel}: only activations whose derivative is taken from their output are fused into max pooling, not {typeof(TAct).Name}.", nameof(activation));
        KernelChecks.Length(source.Length, MaxBackwardKernel, nameof(source), "[batch, Channels, InHeight, InWidth]", batch, s.Channels, s.InHeight, s.InWidth);
        MaxBackwardChecked(in s, batch, dy, argmax, dx, accumulate: false, source, activation);
    }

    private const string MaxBackwardKernel = "Pool2d.MaxBackward";

    /// <summary>Both forms of max pooling backward: the checks (every index before anything is written), then the planes.</summary>
    private static unsafe void MaxBackwardChecked<TAct>(in Pool2dShape s, int batch, ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx,
        bool accumulate, ReadOnlySpan<float> source, TAct activation) where TAct : struct, IActivation<TAct>
    {
        Check(in s, batch, MaxBackwardKernel, nameof(dx), dx.Length, nameof(dy), dy.Length);
        KernelChecks.Length(argmax.Length, MaxBackwardKernel, nameof(argmax), "[batch, Channels, OutHeight, OutWidth]", batch, s.Channels, s.OutHeight, s.OutWidth);
        int outputs = batch * s.Channels * s.OutPlane;
        // A bad index leaves dx as it was.
        if (FirstOutside(argmax[..outputs], s.InPlane) is int k and >= 0)
            throw new ArgumentOutOfRangeException(nameof(argmax), argmax[k],
                $"{MaxBackwardKernel}: argmax[{k}] = {argmax[k]} is not an index within an input plane of {s.InPlane} floats.");
        fixed (float* pdy = dy, pdx = dx, ps = source)
        fixed (int* pa = argmax)
            RunPlanes(in s, batch, backward: true, pdy, pdx, pa, accumulate, ps, activation);
    }

    /// <summary>
    /// One plane of <see cref="MaxBackwardChecked"/>: clear (unless accumulating), then scatter; with a
    /// source, each element of the plane times f′(s).
    /// </summary>
    private static unsafe void MaxBackwardPlane<TAct>(int inPlane, int outPlane, float* dyp, int* ap, float* dxp, bool accumulate, float* source, TAct f)
        where TAct : struct, IActivation<TAct>
    {
        if (!accumulate) new Span<float>(dxp, inPlane).Clear();
        for (int k = 0; k < outPlane; k++) dxp[ap[k]] += dyp[k];
        if (source == null) return;
        // Then the derivative over the plane while it is in L1: dx·f′(s), the very operations
        // of the two-step form (so the same bits, signed zeros and overlapping windows included).
        int p = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; p <= inPlane - 16; p += 16)
                Vector512.Store(Vector512.Load(dxp + p) * f.Derivative(Vector512.Load(source + p)), dxp + p);
        }
        for (; p < inPlane; p++) dxp[p] *= f.Derivative(source[p]);
    }

    /// <summary>The first index of <paramref name="indices"/> outside 0..<paramref name="limit"/>−1, or −1.</summary>
    private static int FirstOutside(ReadOnlySpan<int> indices, int limit)
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Unsigned compare: a negative index is a huge one.
            var bound = Vector512.Create((uint)limit);
            for (; k + 16 <= indices.Length; k += 16)
                if (Vector512.GreaterThanOrEqualAny(Vector512.Create(indices.Slice(k, 16)).AsUInt32(), bound)) break;
        }
        for (; k < indices.Length; k++)
            if ((uint)indices[k] >= (uint)limit) return k;
        return -1;
    }

    /// <summary>Planes below this many input floats in all run on the caller (a hand-off costs about a microsecond).</summary>
    private const int ParallelMinFloats = 32 * 1024;

    /// <summary>Max pooling forward or backward over all planes, in chunks of planes on the worker pool.</summary>
    private static unsafe void RunPlanes<TAct>(in Pool2dShape s, int batch, bool backward, float* first, float* second, int* argmax, bool accumulate,
        float* source, TAct activation) where TAct : struct, IActivation<TAct>
    {
        int planes = batch * s.Channels;
        if (planes == 0) return;
        var work = MaxWork<TAct>.ForCurrentThread();
        work.Set(in s, backward, first, second, argmax, accumulate);
        work.Source = source;
        work.Activation = activation;
        int threads = WorkerPool.ThreadsFor((long)planes * s.InPlane, ParallelMinFloats);
        int parts = Math.Min(planes, threads * WorkerPool.PartsPerThread);
        work.PlanesPerPart = (planes + parts - 1) / parts;
        work.Planes = planes;
        WorkerPool.Run(work, (planes + work.PlanesPerPart - 1) / work.PlanesPerPart, threads);
    }

    /// <summary>Part p: planes p·PlanesPerPart .. of a max pooling pass. Each plane is computed by one thread, so results never depend on the thread count.</summary>
    private sealed unsafe class MaxWork<TAct> : ParallelWork where TAct : struct, IActivation<TAct>
    {
        [ThreadStatic] private static MaxWork<TAct>? t_instance;
        private Pool2dShape _shape;
        private bool _backward, _accumulate;
        private float* _first, _second;
        private int* _argmax;
        public int PlanesPerPart, Planes;
        /// <summary>Backward with a fused activation derivative: the activation's output (null: none).</summary>
        public float* Source;
        public TAct Activation;

        public static MaxWork<TAct> ForCurrentThread() => t_instance ??= new MaxWork<TAct>();

        /// <summary>Forward: first = x, second = y; backward: first = dy, second = dx.</summary>
        public void Set(in Pool2dShape shape, bool backward, float* first, float* second, int* argmax, bool accumulate)
        {
            _shape = shape; _backward = backward; _first = first; _second = second; _argmax = argmax; _accumulate = accumulate;
        }

        public override void RunPart(int part)
        {
            int inPlane = _shape.InPlane, outPlane = _shape.OutPlane;
            int end = Math.Min(Planes, (part + 1) * PlanesPerPart);
            for (int plane = part * PlanesPerPart; plane < end; plane++)
            {
                int* ap = _argmax + (nint)plane * outPlane;
                if (_backward)
                    MaxBackwardPlane(inPlane, outPlane, _first + (nint)plane * outPlane, ap, _second + (nint)plane * inPlane, _accumulate,
                        Source == null ? null : Source + (nint)plane * inPlane, Activation);
                else MaxForwardPlane(in _shape, _first + (nint)plane * inPlane, _second + (nint)plane * outPlane, ap);
            }
        }
    }

    /// <summary>y = (Σ over each window) / (KH·KW).</summary>
    public static void AverageForward(in Pool2dShape s, int batch, ReadOnlySpan<float> x, Span<float> y)
    {
        const string Kernel = "Pool2d.AverageForward";
        Check(in s, batch, Kernel, nameof(x), x.Length, nameof(y), y.Length);
        int outH = s.OutHeight, outW = s.OutWidth, inPlane = s.InPlane, outPlane = outH * outW; // properties divide: hoist them
        float divisor = s.KernelH * s.KernelW;
        int planes = batch * s.Channels;
        for (int plane = 0; plane < planes; plane++)
        {
            var xp = x.Slice(plane * inPlane, inPlane);
            var yp = y.Slice(plane * outPlane, outPlane);
            for (int i = 0; i < outH; i++)
            {
                var (h0, h1) = Window(i, s.StrideH, s.PadH, s.KernelH, s.InHeight);
                for (int j = 0; j < outW; j++)
                {
                    var (w0, w1) = Window(j, s.StrideW, s.PadW, s.KernelW, s.InWidth);
                    float sum = 0f;
                    for (int h = h0; h < h1; h++)
                    {
                        var row = xp.Slice(h * s.InWidth, s.InWidth);
                        for (int w = w0; w < w1; w++) sum += row[w];
                    }
                    yp[i * outW + j] = sum / divisor;
                }
            }
        }
    }

    /// <summary>dx (+)= Σ over the windows holding each element of dy / (KH·KW).</summary>
    public static void AverageBackward(in Pool2dShape s, int batch, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate)
    {
        const string Kernel = "Pool2d.AverageBackward";
        Check(in s, batch, Kernel, nameof(dx), dx.Length, nameof(dy), dy.Length);
        int outH = s.OutHeight, outW = s.OutWidth, inPlane = s.InPlane, outPlane = outH * outW; // properties divide: hoist them
        float divisor = s.KernelH * s.KernelW;
        int planes = batch * s.Channels;
        if (!accumulate) dx.Slice(0, planes * inPlane).Clear();
        for (int plane = 0; plane < planes; plane++)
        {
            var dxp = dx.Slice(plane * inPlane, inPlane);
            var dyp = dy.Slice(plane * outPlane, outPlane);
            for (int i = 0; i < outH; i++)
            {
                var (h0, h1) = Window(i, s.StrideH, s.PadH, s.KernelH, s.InHeight);
                for (int j = 0; j < outW; j++)
                {
                    var (w0, w1) = Window(j, s.StrideW, s.PadW, s.KernelW, s.InWidth);
                    float share = dyp[i * outW + j] / divisor;
                    for (int h = h0; h < h1; h++)
                    {
                        var row = dxp.Slice(h * s.InWidth, s.InWidth);
                        for (int w = w0; w < w1; w++) row[w] += share;
                    }
                }
            }
        }
    }

    /// <summary>The rows [lo, hi) of window i inside the image (start i·stride − pad, length kernel, clipped).</summary>
    private static (int Lo, int Hi) Window(int i, int stride, int pad, int kernel, int size)
    {
        int start = i * stride - pad;
        return (Math.Max(start, 0), Math.Min(start + kernel, size));
    }

    private static void Check(in Pool2dShape s, int batch, string kernel, string inputName, int inputLength, string outputName, int outputLength)
    {
        s.Validate();
        KernelChecks.NotLess(batch, 0, kernel, nameof(batch));
        KernelChecks.Length(inputLength, kernel, inputName, "[batch, Channels, InHeight, InWidth]", batch, s.Channels, s.InHeight, s.InWidth);
        KernelChecks.Length(outputLength, kernel, outputName, "[batch, Channels, OutHeight, OutWidth]", batch, s.Channels, s.OutHeight, s.OutWidth);
    }

    private static void CheckGlobal(int batch, int channels, int planeSize, string kernel, int planesLength, int valuesLength, string planesName, string valuesName)
    {
        KernelChecks.NotLess(batch, 0, kernel, nameof(batch));
        KernelChecks.NotLess(channels, 1, kernel, nameof(channels));
        KernelChecks.NotLess(planeSize, 1, kernel, nameof(planeSize));
        KernelChecks.Length(planesLength, kernel, planesName, "[batch, channels, planeSize]", batch, channels, planeSize);
        KernelChecks.Length(valuesLength, kernel, valuesName, "[batch, channels]", batch, channels);
    }
}
