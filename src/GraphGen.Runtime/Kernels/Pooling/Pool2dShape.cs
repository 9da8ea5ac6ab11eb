using System.Globalization;

namespace GraphGen.Kernels;

/// <summary>
/// The compile-time sizes of a 2-D pooling window over [batch, Channels, InHeight, InWidth], as
/// PyTorch's <c>MaxPool2d</c>/<c>AvgPool2d</c> with ceil_mode = false:
/// Out = ⌊(In + 2·pad − kernel) / stride⌋ + 1.
/// </summary>
public readonly record struct Pool2dShape(
    int Channels, int InHeight, int InWidth,
    int KernelH, int KernelW,
    int StrideH, int StrideW,
    int PadH = 0, int PadW = 0)
{
    /// <summary>Output rows: ⌊(InHeight + 2·PadH − KernelH) / StrideH⌋ + 1.</summary>
    public int OutHeight => Extent(InHeight, KernelH, StrideH, PadH);
    /// <summary>Output columns, as <see cref="OutHeight"/> across.</summary>
    public int OutWidth => Extent(InWidth, KernelW, StrideW, PadW);
    /// <summary>Floats of one input channel.</summary>
    public int InPlane => InHeight * InWidth;
    /// <summary>Floats of one output channel.</summary>
    public int OutPlane => OutHeight * OutWidth;
    /// <summary>Floats of one input sample: Channels·InHeight·InWidth.</summary>
    public int InputSize => Channels * InPlane;
    /// <summary>Floats of one output sample: Channels·OutHeight·OutWidth.</summary>
    public int OutputSize => Channels * OutPlane;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first size that makes no sense. As in
    /// PyTorch, padding may be at most half the kernel, so every window holds a real element.
    /// </summary>
    public void Validate()
    {
        Positive(Channels, nameof(Channels));
        Positive(InHeight, nameof(InHeight));
        Positive(InWidth, nameof(InWidth));
        Positive(KernelH, nameof(KernelH));
        Positive(KernelW, nameof(KernelW));
        Positive(StrideH, nameof(StrideH));
        Positive(StrideW, nameof(StrideW));
        if (PadH < 0 || PadH > KernelH / 2) Fail($"PadH must be between 0 and KernelH/2 = {I(KernelH / 2)} but is {I(PadH)}.");
        if (PadW < 0 || PadW > KernelW / 2) Fail($"PadW must be between 0 and KernelW/2 = {I(KernelW / 2)} but is {I(PadW)}.");
        if (InHeight + 2L * PadH < KernelH) Fail($"the window is {I(KernelH)} high but InHeight + 2·PadH is only {I(InHeight + 2L * PadH)}.");
        if (InWidth + 2L * PadW < KernelW) Fail($"the window is {I(KernelW)} wide but InWidth + 2·PadW is only {I(InWidth + 2L * PadW)}.");
        if ((long)Channels * InHeight * InWidth > int.MaxValue / 2) Fail("one sample is too large.");
    }

    private static int Extent(int size, int kernel, int stride, int pad)
    {
        if (stride <= 0) return 0;
        long span = (long)size + 2L * pad - kernel;
        return span < 0 ? 0 : (int)(span / stride + 1);
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) Fail($"{name} must be positive but is {I(value)}.");
    }

    private static void Fail(string message) => throw new ArgumentException("Pool2dShape: " + message, "shape");

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
