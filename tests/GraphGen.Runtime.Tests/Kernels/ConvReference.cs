using GraphGen.Kernels;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// The convolution written as its definition, in double: one loop per index, the padding as a
/// bounds test. Independent of the kernels (no im2col, no padded planes, no GEMM).
/// </summary>
internal static class ConvReference
{
    /// <summary>The input index that output (i, j) reads through tap (u, v), or −1 in the padding.</summary>
    private static int InputIndex(in Conv2dShape s, int i, int j, int u, int v)
    {
        int h = i * s.StrideH - s.PadH + u * s.DilationH;
        int w = j * s.StrideW - s.PadW + v * s.DilationW;
        return h < 0 || h >= s.InHeight || w < 0 || w >= s.InWidth ? -1 : h * s.InWidth + w;
    }

    /// <summary>y = W ⋆ x + bias (no activation); with <paramref name="magnitude"/>, Σ|terms| instead.</summary>
    public static double[] Forward(Conv2dShape s, int batch, double[] x, double[] w, double[]? bias, bool magnitude = false)
    {
        var y = new double[batch * s.OutputSize];
        int icg = s.GroupInChannels, ocg = s.GroupOutChannels;
        for (int b = 0; b < batch; b++)
            for (int o = 0; o < s.OutChannels; o++)
            {
                int g = o / ocg;
                for (int i = 0; i < s.OutHeight; i++)
                    for (int j = 0; j < s.OutWidth; j++)
                    {
                        double sum = bias is null ? 0 : magnitude ? Math.Abs(bias[o]) : bias[o];
                        for (int c = 0; c < icg; c++)
                            for (int u = 0; u < s.KernelHeight; u++)
                                for (int v = 0; v < s.KernelWidth; v++)
                                {
                                    int at = InputIndex(s, i, j, u, v);
                                    if (at < 0) continue;
                                    double term = w[((o * icg + c) * s.KernelHeight + u) * s.KernelWidth + v]
                                        * x[(b * s.InChannels + g * icg + c) * s.InPlane + at];
                                    sum += magnitude ? Math.Abs(term) : term;
                                }
                        y[((b * s.OutChannels + o) * s.OutHeight + i) * s.OutWidth + j] = sum;
                    }
            }
        return y;
    }

    /// <summary>dx[b, c', h, w] = Σ over the outputs that read it of W·dy.</summary>
    public static double[] BackwardInput(Conv2dShape s, int batch, double[] dy, double[] w, bool magnitude = false)
    {
        var dx = new double[batch * s.InputSize];
        int icg = s.GroupInChannels, ocg = s.GroupOutChannels;
        for (int b = 0; b < batch; b++)
            for (int o = 0; o < s.OutChannels; o++)
            {
                int g = o / ocg;
                for (int i = 0; i < s.OutHeight; i++)
                    for (int j = 0; j < s.OutWidth; j++)
                    {
                        double d = dy[((b * s.OutChannels + o) * s.OutHeight + i) * s.OutWidth + j];
                        for (int c = 0; c < icg; c++)
                            for (int u = 0; u < s.KernelHeight; u++)
                                for (int v = 0; v < s.KernelWidth; v++)
                                {
                                    int at = InputIndex(s, i, j, u, v);
                                    if (at < 0) continue;
                                    double term = w[((o * icg + c) * s.KernelHeight + u) * s.KernelWidth + v] * d;
                                    dx[(b * s.InChannels + g * icg + c) * s.InPlane + at] += magnitude ? Math.Abs(term) : term;
                                }
                    }
            }
        return dx;
    }

    /// <summary>dW[o, c, u, v] = Σ_{b,i,j} dy·x, and dbias[o] = Σ_{b,i,j} dy.</summary>
    public static (double[] Weight, double[] Bias) BackwardWeight(Conv2dShape s, int batch, double[] x, double[] dy, bool magnitude = false)
    {
        var dw = new double[s.WeightSize];
        var db = new double[s.OutChannels];
        int icg = s.GroupInChannels, ocg = s.GroupOutChannels;
        for (int b = 0; b < batch; b++)
            for (int o = 0; o < s.OutChannels; o++)
            {
                int g = o / ocg;
                for (int i = 0; i < s.OutHeight; i++)
                    for (int j = 0; j < s.OutWidth; j++)
                    {
                        double d = dy[((b * s.OutChannels + o) * s.OutHeight + i) * s.OutWidth + j];
                        db[o] += magnitude ? Math.Abs(d) : d;
                        for (int c = 0; c < icg; c++)
                            for (int u = 0; u < s.KernelHeight; u++)
                                for (int v = 0; v < s.KernelWidth; v++)
                                {
                                    int at = InputIndex(s, i, j, u, v);
                                    if (at < 0) continue;
                                    double term = d * x[(b * s.InChannels + g * icg + c) * s.InPlane + at];
                                    dw[((o * icg + c) * s.KernelHeight + u) * s.KernelWidth + v] += magnitude ? Math.Abs(term) : term;
                                }
                    }
            }
        return (dw, db);
    }

    public static double[] Abs(double[] values) => Array.ConvertAll(values, Math.Abs);
}
