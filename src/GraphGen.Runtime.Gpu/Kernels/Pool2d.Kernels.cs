using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

public static partial class Pool2d
{
    private static readonly Action<Index1D, PoolGeometry, ArrayView<float>, ArrayView<float>, ArrayView<int>> MaxForwardMethod = MaxForwardKernel;
    private static readonly Action<Index1D, PoolGeometry, ArrayView<float>, ArrayView<float>> AverageForwardMethod = AverageForwardKernel;
    private static readonly Action<Index1D, PoolGeometry, ArrayView<float>, ArrayView<float>, int> AverageBackwardMethod = AverageBackwardKernel;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> GlobalForwardMethod = GlobalForwardKernel;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> GlobalBackwardMethod = GlobalBackwardKernel;

    private static class MaxBackwardKernels<TAct> where TAct : struct, IActivation<TAct>
    {
        public static readonly Action<Index1D, PoolGeometry, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, ArrayView<float>, int, TAct> Method = MaxBackwardGather;
    }

    /// <summary>Output e = (plane, i, j): the window scanned row by row; a value replaces the maximum when larger or NaN.</summary>
    private static void MaxForwardKernel(Index1D e, PoolGeometry g, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax)
    {
        int j = e % g.OutWidth, t = e / g.OutWidth;
        int i = t % g.OutHeight, plane = t / g.OutHeight;
        int h0 = Math.Max(i * g.StrideH - g.PadH, 0), h1 = Math.Min(i * g.StrideH - g.PadH + g.KernelH, g.InHeight);
        int w0 = Math.Max(j * g.StrideW - g.PadW, 0), w1 = Math.Min(j * g.StrideW - g.PadW + g.KernelW, g.InWidth);
        long start = (long)plane * g.InHeight * g.InWidth;
        float max = float.NegativeInfinity;
        int at = h0 * g.InWidth + w0;
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++)
            {
                float v = x[start + h * g.InWidth + w];
                if (v > max || float.IsNaN(v))
                {
                    max = v;
                    at = h * g.InWidth + w;
                }
            }
        y[e] = max;
        argmax[e] = at;
    }

    /// <summary>
    /// Input e = (plane, h, w): starting from 0 (or dx), adds dy of every window that holds (h, w) and
    /// chose it, in row-major window order; then, with a source, times f′(s).
    /// </summary>
    private static void MaxBackwardGather<TAct>(Index1D e, PoolGeometry g, ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx,
        int accumulate, ArrayView<float> source, int hasSource, TAct f) where TAct : struct, IActivation<TAct>
    {
        int w = e % g.InWidth, t = e / g.InWidth;
        int h = t % g.InHeight, plane = t / g.InHeight;
        int index = h * g.InWidth + w;
        int i0 = PoolGeometry.FirstWindow(h, g.KernelH, g.StrideH, g.PadH), i1 = PoolGeometry.LastWindow(h, g.StrideH, g.PadH, g.OutHeight);
        int j0 = PoolGeometry.FirstWindow(w, g.KernelW, g.StrideW, g.PadW), j1 = PoolGeometry.LastWindow(w, g.StrideW, g.PadW, g.OutWidth);
        long start = (long)plane * g.OutHeight * g.OutWidth;
        float sum = accumulate != 0 ? dx[e] : 0f;
        for (int i = i0; i <= i1; i++)
            for (int j = j0; j <= j1; j++)
            {
                long k = start + i * g.OutWidth + j;
                if (argmax[k] == index) sum += dy[k];
            }
        dx[e] = hasSource != 0 ? sum * f.Derivative(source[e]) : sum;
    }

    /// <summary>Output e: the clipped window's sum, row by row, over KH·KW (padding counts in the divisor).</summary>
    private static void AverageForwardKernel(Index1D e, PoolGeometry g, ArrayView<float> x, ArrayView<float> y)
    {
        int j = e % g.OutWidth, t = e / g.OutWidth;
        int i = t % g.OutHeight, plane = t / g.OutHeight;
        int h0 = Math.Max(i * g.StrideH - g.PadH, 0), h1 = Math.Min(i * g.StrideH - g.PadH + g.KernelH, g.InHeight);
        int w0 = Math.Max(j * g.StrideW - g.PadW, 0), w1 = Math.Min(j * g.StrideW - g.PadW + g.KernelW, g.InWidth);
        long start = (long)plane * g.InHeight * g.InWidth;
        float sum = 0f;
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++) sum += x[start + h * g.InWidth + w];
        y[e] = sum / (float)(g.KernelH * g.KernelW);
    }

    /// <summary>Input e: starting from 0 (or dx), adds dy/(KH·KW) of every window that holds it, in row-major window order.</summary>
    private static void AverageBackwardKernel(Index1D e, PoolGeometry g, ArrayView<float> dy, ArrayView<float> dx, int accumulate)
    {
        int w = e % g.InWidth, t = e / g.InWidth;
        int h = t % g.InHeight, plane = t / g.InHeight;
        int i0 = PoolGeometry.FirstWindow(h, g.KernelH, g.StrideH, g.PadH), i1 = PoolGeometry.LastWindow(h, g.StrideH, g.PadH, g.OutHeight);
        int j0 = PoolGeometry.FirstWindow(w, g.KernelW, g.StrideW, g.PadW), j1 = PoolGeometry.LastWindow(w, g.StrideW, g.PadW, g.OutWidth);
        long start = (long)plane * g.OutHeight * g.OutWidth;
        float divisor = g.KernelH * g.KernelW;
        float sum = accumulate != 0 ? dx[e] : 0f;
        for (int i = i0; i <= i1; i++)
            for (int j = j0; j <= j1; j++) sum += dy[start + i * g.OutWidth + j] / divisor;
        dx[e] = sum;
    }

    /// <summary>Plane p: its values added in order, over the plane's size.</summary>
    private static void GlobalForwardKernel(Index1D p, ArrayView<float> x, ArrayView<float> y, int planeSize)
    {
        long start = (long)(int)p * planeSize;
        float sum = 0f;
        for (int k = 0; k < planeSize; k++) sum += x[start + k];
        y[p] = sum / planeSize;
    }

    private static void GlobalBackwardKernel(Index1D e, ArrayView<float> dy, ArrayView<float> dx, int planeSize, int accumulate)
    {
        float share = dy[e / planeSize] / planeSize;
        dx[e] = accumulate != 0 ? dx[e] + share : share;
    }
}
