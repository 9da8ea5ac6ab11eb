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
        int outH = s.OutHeight, outW = s.OutWidth, inPlane = s.InPlane, outPlane = outH * outW; // properties divide: hoist them
        int planes = batch * s.Channels, width = s.InWidth;
        bool pairs = s is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0 } && Avx512F.IsSupported;
        fixed (float* px = x, py = y)
        fixed (int* pa = argmax)
            for (int plane = 0; plane < planes; plane++)
            {
                float* xp = px + (nint)plane * inPlane;
                float* yp = py + (nint)plane * outPlane;
                int* ap = pa + (nint)plane * outPlane;
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
    }

    /// <summary>dx (+)= dy routed to each window's winner: dx[argmax[i, j]] += dy[i, j] (zero elsewhere when writing).</summary>
    public static void MaxBackward(in Pool2dShape s, int batch, ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, bool accumulate)
    {
        const string Kernel = "Pool2d.MaxBackward";
        Check(in s, batch, Kernel, nameof(dx), dx.Length, nameof(dy), dy.Length);
        KernelChecks.Length(argmax.Length, Kernel, nameof(argmax), "[batch, Channels, OutHeight, OutWidth]", batch, s.Channels, s.OutHeight, s.OutWidth);
        int outH = s.OutHeight, outW = s.OutWidth, inPlane = s.InPlane, outPlane = outH * outW; // properties divide: hoist them
        int planes = batch * s.Channels, outputs = planes * outPlane;
        for (int k = 0; k < outputs; k++)
            if ((uint)argmax[k] >= (uint)inPlane)
                throw new ArgumentOutOfRangeException(nameof(argmax), argmax[k],
                    $"{Kernel}: argmax[{k}] = {argmax[k]} is not an index within an input plane of {s.InPlane} floats.");
        if (!accumulate) dx.Slice(0, planes * inPlane).Clear();
        for (int plane = 0; plane < planes; plane++)
        {
            var dxp = dx.Slice(plane * inPlane, inPlane);
            var dyp = dy.Slice(plane * outPlane, outPlane);
            var ap = argmax.Slice(plane * outPlane, outPlane);
            for (int k = 0; k < dyp.Length; k++) dxp[ap[k]] += dyp[k];
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

    /// <summary>y[b, c] = mean of x[b, c, :] over its <paramref name="planeSize"/> = H·W positions: [B, C, H, W] → [B, C].</summary>
    public static void GlobalAverageForward(int batch, int channels, int planeSize, ReadOnlySpan<float> x, Span<float> y)
    {
        const string Kernel = "Pool2d.GlobalAverageForward";
        CheckGlobal(batch, channels, planeSize, Kernel, x.Length, y.Length, nameof(x), nameof(y));
        int planes = batch * channels;
        for (int p = 0; p < planes; p++) y[p] = SpanMath.Sum(x.Slice(p * planeSize, planeSize)) / planeSize;
    }

    /// <summary>dx[b, c, p] (+)= dy[b, c] / planeSize.</summary>
    public static void GlobalAverageBackward(int batch, int channels, int planeSize, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate)
    {
        const string Kernel = "Pool2d.GlobalAverageBackward";
        CheckGlobal(batch, channels, planeSize, Kernel, dx.Length, dy.Length, nameof(dx), nameof(dy));
        int planes = batch * channels;
        for (int p = 0; p < planes; p++)
        {
            float share = dy[p] / planeSize;
            var dxp = dx.Slice(p * planeSize, planeSize);
            if (accumulate)
                foreach (ref float v in dxp) v += share;
            else
                dxp.Fill(share);
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
