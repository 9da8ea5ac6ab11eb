using GraphGen.Kernels;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// A <see cref="Pool2dShape"/> and a batch size as plain fields, for kernels (the output extent is
/// computed once on the host, and a kernel parameter must be a blittable value).
/// </summary>
internal readonly struct PoolGeometry
{
    public readonly int Batch, Channels, InHeight, InWidth, OutHeight, OutWidth;
    public readonly int KernelH, KernelW, StrideH, StrideW, PadH, PadW;

    public PoolGeometry(in Pool2dShape s, int batch)
    {
        Batch = batch;
        Channels = s.Channels; InHeight = s.InHeight; InWidth = s.InWidth;
        OutHeight = s.OutHeight; OutWidth = s.OutWidth;
        KernelH = s.KernelH; KernelW = s.KernelW; StrideH = s.StrideH; StrideW = s.StrideW; PadH = s.PadH; PadW = s.PadW;
    }

    /// <summary>Floats of x (and dx).</summary>
    public int InputCount => Batch * Channels * InHeight * InWidth;

    /// <summary>Floats of y (and dy, argmax).</summary>
    public int OutputCount => Batch * Channels * OutHeight * OutWidth;

    /// <summary>The first window row (or column, with the column's sizes) whose window holds input row h: ⌈(h + pad − kernel + 1) / stride⌉, at least 0.</summary>
    public static int FirstWindow(int h, int kernel, int stride, int pad)
    {
        int lowest = h + pad - kernel + 1;
        return lowest <= 0 ? 0 : (lowest + stride - 1) / stride;
    }

    /// <summary>The last window row whose window holds input row h: ⌊(h + pad) / stride⌋, at most out − 1.</summary>
    public static int LastWindow(int h, int stride, int pad, int outSize) => Math.Min((h + pad) / stride, outSize - 1);
}
