using System.Globalization;

namespace GraphGen.Kernels;

/// <summary>
/// The compile-time sizes of a 2-D convolution, as PyTorch's <c>nn.Conv2d</c>: input
/// [batch, InChannels, InHeight, InWidth], weight [OutChannels, InChannels/Groups, KernelHeight,
/// KernelWidth], output [batch, OutChannels, OutHeight, OutWidth] with
/// Out = ⌊(In + 2·pad − dilation·(kernel − 1) − 1) / stride⌋ + 1.
/// Groups split the channels into independent convolutions (Groups = InChannels is depthwise).
/// </summary>
public readonly record struct Conv2dShape(
    int InChannels, int InHeight, int InWidth,
    int OutChannels, int KernelHeight, int KernelWidth,
    int StrideH = 1, int StrideW = 1,
    int PadH = 0, int PadW = 0,
    int DilationH = 1, int DilationW = 1,
    int Groups = 1)
{
    /// <summary>Output rows: ⌊(InHeight + 2·PadH − DilationH·(KernelHeight − 1) − 1) / StrideH⌋ + 1.</summary>
    public int OutHeight => Extent(InHeight, KernelHeight, StrideH, PadH, DilationH);
    /// <summary>Output columns, as <see cref="OutHeight"/> across.</summary>
    public int OutWidth => Extent(InWidth, KernelWidth, StrideW, PadW, DilationW);

    /// <summary>Input channels per group (the weight's second dimension).</summary>
    public int GroupInChannels => InChannels / Groups;
    /// <summary>Output channels per group.</summary>
    public int GroupOutChannels => OutChannels / Groups;

    /// <summary>Floats of one input channel: InHeight·InWidth.</summary>
    public int InPlane => InHeight * InWidth;
    /// <summary>Floats of one output channel: OutHeight·OutWidth.</summary>
    public int OutPlane => OutHeight * OutWidth;
    /// <summary>Floats of one input sample: InChannels·InHeight·InWidth.</summary>
    public int InputSize => InChannels * InPlane;
    /// <summary>Floats of one output sample: OutChannels·OutHeight·OutWidth.</summary>
    public int OutputSize => OutChannels * OutPlane;
    /// <summary>Floats of the weight: OutChannels·(InChannels/Groups)·KernelHeight·KernelWidth.</summary>
    public int WeightSize => OutChannels * GroupWeightColumns;
    /// <summary>One output channel's weights: (InChannels/Groups)·KernelHeight·KernelWidth, the GEMM depth.</summary>
    public int GroupWeightColumns => GroupInChannels * KernelHeight * KernelWidth;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first size that makes no sense.</summary>
    public void Validate()
    {
        Positive(InChannels, nameof(InChannels));
        Positive(InHeight, nameof(InHeight));
        Positive(InWidth, nameof(InWidth));
        Positive(OutChannels, nameof(OutChannels));
        Positive(KernelHeight, nameof(KernelHeight));
        Positive(KernelWidth, nameof(KernelWidth));
        Positive(StrideH, nameof(StrideH));
        Positive(StrideW, nameof(StrideW));
        Positive(DilationH, nameof(DilationH));
        Positive(DilationW, nameof(DilationW));
        Positive(Groups, nameof(Groups));
        if (PadH < 0) Fail($"PadH must not be negative but is {I(PadH)}.");
        if (PadW < 0) Fail($"PadW must not be negative but is {I(PadW)}.");
        if (InChannels % Groups != 0) Fail($"InChannels ({I(InChannels)}) must be divisible by Groups ({I(Groups)}).");
        if (OutChannels % Groups != 0) Fail($"OutChannels ({I(OutChannels)}) must be divisible by Groups ({I(Groups)}).");
        CheckFits("InHeight", InHeight, PadH, KernelHeight, DilationH);
        CheckFits("InWidth", InWidth, PadW, KernelWidth, DilationW);
        long inSize = (long)InChannels * InHeight * InWidth;
        long outSize = (long)OutChannels * OutHeight * OutWidth;
        long weightSize = (long)OutChannels * (InChannels / Groups) * KernelHeight * KernelWidth;
        if (Math.Max(inSize, Math.Max(outSize, weightSize)) > int.MaxValue / 2)
            Fail($"one sample's input ({I(inSize)}), output ({I(outSize)}) or the weight ({I(weightSize)}) is too large.");
    }

    /// <summary>The geometry in words, for messages.</summary>
    public override string ToString() =>
        $"Conv2d {I(InChannels)}→{I(OutChannels)} k{I(KernelHeight)}×{I(KernelWidth)} on {I(InHeight)}×{I(InWidth)} " +
        $"(stride {I(StrideH)},{I(StrideW)} pad {I(PadH)},{I(PadW)} dilation {I(DilationH)},{I(DilationW)} groups {I(Groups)})";

    private static int Extent(int size, int kernel, int stride, int pad, int dilation)
    {
        if (stride <= 0) return 0;
        long span = (long)size + 2L * pad - (long)dilation * (kernel - 1) - 1;
        return span < 0 ? 0 : (int)(span / stride + 1);
    }

    private static void CheckFits(string name, int size, int pad, int kernel, int dilation)
    {
        long effective = (long)dilation * (kernel - 1) + 1;
        if (size + 2L * pad < effective)
            Fail($"the kernel spans {I(effective)} positions (dilation·(kernel − 1) + 1) but {name} + 2·pad is only {I(size + 2L * pad)}: the output would be empty.");
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) Fail($"{name} must be positive but is {I(value)}.");
    }

    private static void Fail(string message) => throw new ArgumentException("Conv2dShape: " + message, "shape");

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
