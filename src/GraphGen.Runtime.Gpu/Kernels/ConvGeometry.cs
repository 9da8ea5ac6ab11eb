using GraphGen.Kernels;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// A <see cref="Conv2dShape"/> and a batch size as plain fields, for kernels: the shape's derived
/// sizes (output extent, channels per group) are computed once on the host rather than by every
/// thread, and a kernel parameter must be a blittable value.
/// </summary>
internal readonly struct ConvGeometry
{
    public readonly int Batch, InChannels, InHeight, InWidth, OutChannels, OutHeight, OutWidth;
    public readonly int KernelHeight, KernelWidth, StrideH, StrideW, PadH, PadW, DilationH, DilationW;
    public readonly int GroupInChannels, GroupOutChannels;

    public ConvGeometry(in Conv2dShape s, int batch)
    {
        Batch = batch;
        InChannels = s.InChannels; InHeight = s.InHeight; InWidth = s.InWidth;
        OutChannels = s.OutChannels; OutHeight = s.OutHeight; OutWidth = s.OutWidth;
        KernelHeight = s.KernelHeight; KernelWidth = s.KernelWidth;
        StrideH = s.StrideH; StrideW = s.StrideW; PadH = s.PadH; PadW = s.PadW;
        DilationH = s.DilationH; DilationW = s.DilationW;
        GroupInChannels = s.GroupInChannels; GroupOutChannels = s.GroupOutChannels;
    }

    /// <summary>Floats of the weight: OutChannels·(InChannels/Groups)·KH·KW.</summary>
    public int WeightSize => OutChannels * GroupInChannels * KernelHeight * KernelWidth;

    /// <summary>Floats of x (and dx): batch·InChannels·InHeight·InWidth.</summary>
    public int InputCount => Batch * InChannels * InHeight * InWidth;

    /// <summary>Floats of y (and dy): batch·OutChannels·OutHeight·OutWidth.</summary>
    public int OutputCount => Batch * OutChannels * OutHeight * OutWidth;

    /// <summary>Index of x[b, c, h, w].</summary>
    public int InputAt(int b, int c, int h, int w) => ((b * InChannels + c) * InHeight + h) * InWidth + w;

    /// <summary>Index of y[b, o, i, j].</summary>
    public int OutputAt(int b, int o, int i, int j) => ((b * OutChannels + o) * OutHeight + i) * OutWidth + j;

    /// <summary>Index of W[o, c, u, v] (c within the group).</summary>
    public int WeightAt(int o, int c, int u, int v) => ((o * GroupInChannels + c) * KernelHeight + u) * KernelWidth + v;
}
