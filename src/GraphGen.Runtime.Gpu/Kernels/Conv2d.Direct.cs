using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

public static partial class Conv2d
{
    private static class ForwardKernels<TAct> where TAct : struct, IActivation<TAct>
    {
        public static readonly Action<Index1D, ConvGeometry, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, TAct> Method = ForwardKernel;
        public static readonly Action<Index1D, ConvGeometry, PoolGeometry, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, TAct> MaxPooled = ForwardMaxPooledKernel;
        public static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, TAct> Residual = ResidualKernel;
    }

    /// <summary>y[e] = f(residual[e] + y[e]): the residual sum and activation after a convolution, as their own steps compute them.</summary>
    private static void ResidualKernel<TAct>(Index1D e, ArrayView<float> residual, ArrayView<float> y, TAct f) where TAct : struct, IActivation<TAct> =>
        y[e] = f.Forward(residual[e] + y[e]);

    private static readonly Action<Index1D, ConvGeometry, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> BackwardInputMethod = BackwardInputKernel;
    private static readonly Action<Index1D, ConvGeometry, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> WeightPartialsMethod = WeightPartialsKernel;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> WeightTotalsMethod = WeightTotalsKernel;

    /// <summary>Output element e = (b, o, i, j): f(<see cref="Output"/>).</summary>
    private static void ForwardKernel<TAct>(Index1D e, ConvGeometry g, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> y, int hasBias, TAct f) where TAct : struct, IActivation<TAct>
    {
        int j = e % g.OutWidth, t = e / g.OutWidth;
        int i = t % g.OutHeight;
        t /= g.OutHeight;
        int o = t % g.OutChannels, b = t / g.OutChannels;
        y[e] = f.Forward(Output(g, x, weight, bias, hasBias, b, o, i, j));
    }

    /// <summary>
    /// Pooled element e = (b, o, pi, pj): the maximum of f(<see cref="Output"/>) over the window,
    /// scanned as <c>Pool2d</c>'s max forward scans it (a value replaces the maximum when larger or
    /// NaN), so the result is what <see cref="ForwardKernel"/> then the max pooling give.
    /// </summary>
    private static void ForwardMaxPooledKernel<TAct>(Index1D e, ConvGeometry g, PoolGeometry p, ArrayView<float> x, ArrayView<float> weight,
        ArrayView<float> bias, ArrayView<float> y, int hasBias, TAct f) where TAct : struct, IActivation<TAct>
    {
        int pj = e % p.OutWidth, t = e / p.OutWidth;
        int pi = t % p.OutHeight;
        t /= p.OutHeight;
        int o = t % g.OutChannels, b = t / g.OutChannels;
        int h0 = Math.Max(pi * p.StrideH - p.PadH, 0), h1 = Math.Min(pi * p.StrideH - p.PadH + p.KernelH, g.OutHeight);
        int w0 = Math.Max(pj * p.StrideW - p.PadW, 0), w1 = Math.Min(pj * p.StrideW - p.PadW + p.KernelW, g.OutWidth);
        float max = float.NegativeInfinity;
        for (int i = h0; i < h1; i++)
            for (int j = w0; j < w1; j++)
            {
                float v = f.Forward(Output(g, x, weight, bias, hasBias, b, o, i, j));
                if (v > max || float.IsNaN(v)) max = v;
            }
        y[e] = max;
    }

    /// <summary>
    /// Output (b, o, i, j) before the activation: Σ over the group's channels c, then rows u, then
    /// columns v (the im2col row order), taps in the padding skipped; then + bias[o].
    /// </summary>
    private static float Output(ConvGeometry g, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias, int hasBias, int b, int o, int i, int j)
    {
        int firstChannel = o / g.GroupOutChannels * g.GroupInChannels;
        int h0 = i * g.StrideH - g.PadH, w0 = j * g.StrideW - g.PadW;
        float sum = 0f;
        for (int c = 0; c < g.GroupInChannels; c++)
            for (int u = 0; u < g.KernelHeight; u++)
            {
                int h = h0 + u * g.DilationH;
                if (h < 0 || h >= g.InHeight) continue;
                int row = g.InputAt(b, firstChannel + c, h, 0), taps = g.WeightAt(o, c, u, 0);
                for (int v = 0; v < g.KernelWidth; v++)
                {
                    int w = w0 + v * g.DilationW;
                    if (w >= 0 && w < g.InWidth) sum += weight[taps + v] * x[row + w];
                }
            }
        return hasBias != 0 ? sum + bias[o] : sum;
    }

    /// <summary>
    /// Input element e = (b, c', h, w) gathers W[o, c, u, v]·dy[b, o, i, j] over the group's output
    /// channels o and the taps (u, v) that reached it: h = i·sh − ph + u·dh for a whole output row i
    /// inside the output (likewise w and j).
    /// </summary>
    private static void BackwardInputKernel(Index1D e, ConvGeometry g, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> dx, int accumulate)
    {
        int w = e % g.InWidth, t = e / g.InWidth;
        int h = t % g.InHeight;
        t /= g.InHeight;
        int channel = t % g.InChannels, b = t / g.InChannels;
        int group = channel / g.GroupInChannels, c = channel % g.GroupInChannels;
        float sum = 0f;
        for (int k = 0; k < g.GroupOutChannels; k++)
        {
            int o = group * g.GroupOutChannels + k;
            for (int u = 0; u < g.KernelHeight; u++)
            {
                int rows = h + g.PadH - u * g.DilationH;
                if (rows < 0 || rows % g.StrideH != 0) continue;
                int i = rows / g.StrideH;
                if (i >= g.OutHeight) continue;
                for (int v = 0; v < g.KernelWidth; v++)
                {
                    int cols = w + g.PadW - v * g.DilationW;
                    if (cols < 0 || cols % g.StrideW != 0) continue;
                    int j = cols / g.StrideW;
                    if (j < g.OutWidth) sum += weight[g.WeightAt(o, c, u, v)] * dy[g.OutputAt(b, o, i, j)];
                }
            }
        }
        dx[e] = accumulate != 0 ? dx[e] + sum : sum;
    }

    /// <summary>
    /// Thread (slice, q): the partial sum of weight element q (q &lt; WeightSize: (o, c, u, v)) or of
    /// bias o = q − WeightSize over the slice's positions n = b·OH·OW + i·OW + j, in order. With a
    /// single slice the sum is the total, written (or added) into dW or dbias at once.
    /// </summary>
    private static void WeightPartialsKernel(Index1D index, ConvGeometry g, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> partials,
        ArrayView<float> dweight, ArrayView<float> dbias, int sums, int slices, int accumulate)
    {
        int slice = index / sums, q = index % sums;
        int plane = g.OutHeight * g.OutWidth;
        long positions = (long)g.Batch * plane;
        int first = (int)(positions * slice / slices), end = (int)(positions * (slice + 1) / slices);
        int b = first / plane, i = first % plane / g.OutWidth, j = first % g.OutWidth;
        float sum = 0f;
        int weightSize = g.WeightSize;
        if (q >= weightSize)
        {
            int o = q - weightSize;
            for (int n = first; n < end; n++)
            {
                sum += dy[g.OutputAt(b, o, i, j)];
                Next(g, ref b, ref i, ref j);
            }
        }
        else
        {
            int v = q % g.KernelWidth, t = q / g.KernelWidth;
            int u = t % g.KernelHeight;
            t /= g.KernelHeight;
            int c = t % g.GroupInChannels, o = t / g.GroupInChannels;
            int channel = o / g.GroupOutChannels * g.GroupInChannels + c;
            for (int n = first; n < end; n++)
            {
                int h = i * g.StrideH - g.PadH + u * g.DilationH, w = j * g.StrideW - g.PadW + v * g.DilationW;
                if (h >= 0 && h < g.InHeight && w >= 0 && w < g.InWidth)
                    sum += dy[g.OutputAt(b, o, i, j)] * x[g.InputAt(b, channel, h, w)];
                Next(g, ref b, ref i, ref j);
            }
        }
        if (slices > 1) partials[(long)slice * sums + q] = sum;
        else Store(q, sum, dweight, dbias, weightSize, accumulate);
    }

    /// <summary>dW[q] or dbias[q − weightSize] (+)= total.</summary>
    private static void Store(int q, float total, ArrayView<float> dweight, ArrayView<float> dbias, int weightSize, int accumulate)
    {
        if (q < weightSize) dweight[q] = accumulate != 0 ? dweight[q] + total : total;
        else dbias[q - weightSize] = accumulate != 0 ? dbias[q - weightSize] + total : total;
    }

    /// <summary>The position after (b, i, j) in batch, row, column order.</summary>
    private static void Next(ConvGeometry g, ref int b, ref int i, ref int j)
    {
        if (++j < g.OutWidth) return;
        j = 0;
        if (++i < g.OutHeight) return;
        i = 0;
        b++;
    }

    /// <summary>Element q: ((p₀ + p₁) + p₂) + ... over the slices, then written or added into dW or dbias.</summary>
    private static void WeightTotalsKernel(Index1D q, ArrayView<float> partials, ArrayView<float> dweight, ArrayView<float> dbias,
        int weightSize, int sums, int slices, int accumulate)
    {
        float total = partials[q];
        for (int slice = 1; slice < slices; slice++) total += partials[(long)slice * sums + q];
        Store(q, total, dweight, dbias, weightSize, accumulate);
    }
}
