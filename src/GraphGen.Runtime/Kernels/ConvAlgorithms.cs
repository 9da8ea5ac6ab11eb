using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>The two ways <see cref="Conv2d"/> computes a pass.</summary>
internal enum ConvAlgorithm
{
    /// <summary>im2col (or the input itself for 1×1) and one <see cref="Gemm"/> per sample and group: <see cref="ConvGemm"/>.</summary>
    Im2ColGemm,
    /// <summary>Register-blocked correlation over zero-padded planes, stride 1 only: <see cref="ConvDirect"/>.</summary>
    Direct,
}

/// <summary>
/// Which algorithm runs each pass of a convolution shape: a rule fitted to measurements.
/// </summary>
/// <remarks>
/// Measured on one thread (its CPU time per call, best of 15 rounds; batch 64; AMD EPYC Zen 5 with
/// AVX-512, .NET 10), µs as GEMM / direct; docs/kernels.md has the command and the 2-thread runs:
/// <code>
/// shape                        forward        input gradient   weight gradient
/// LeNet 1→6 k5 28×28            409 / 166       327 / 458        525 / 236
/// LeNet 6→16 k5 12×12           608 / 197       444 / 411        720 / 401
/// ResNet 16→16 k3 p1 28×28     5442 / 1877     4030 / 1668      5807 / 2661
/// ResNet 32→32 k3 p1 14×14     5185 / 1519     4760 / 1738      4748 / 2885
/// 3→16 k3 p1 32×32             1206 / 745      1309 / 660       1961 / 733
/// 8→8 k3 p1 28×28              1620 / 494      1148 / 426       1810 / 711
/// depthwise 32 k3 p1 14×14     2704 / 463      2166 / 388       4087 / 545
/// 64→64 k3 p1 7×7              4061 / 1643     3290 / 1572      2921 / 4406
/// 128→128 k3 p1 7×7           11490 / 6395    10873 / 6171      8616 / 22535
/// 64→64 k3 p1 28×28           31705 / 21011   26063 / 20229    30867 / 38369
/// 32→64 k1 14×14                529 / 749       445 / 587        473 / 2407
/// </code>
/// The rule, from these figures (the machine is shared, so repeated runs differ by up to 30%;
/// only differences larger than that decided anything):
/// <list type="bullet">
/// <item>Forward: direct wherever it applies (stride 1, k &gt; 1): 1.5–6× faster. A 1×1 kernel
/// needs no unrolling, and there the GEMM wins.</item>
/// <item>Input gradient: the direct kernel computes whole blocks of 4 or 8 input channels and
/// whole padded rows; it wins when at least 60% of its lanes compute kept values
/// (<see cref="InputGradientLaneUse"/>: 93% for ResNet, 71% for 3→16, 56% for LeNet conv2 — a
/// draw —, 22% for LeNet conv1), or when the GEMM's depth OCg is below 4 (depthwise: 5×).</item>
/// <item>Weight gradient: the direct kernel's dot products stream the planes of every (input,
/// output) channel pair; up to ICg·OCg = 1024 that wins 1.6–7×, beyond it the GEMM's blocking
/// wins (64→64: 1.5×, 128→128: 2.6×).</item>
/// </list>
/// Without AVX-512 the direct kernel is not used (it has no 256-bit form).
/// </remarks>
internal static class ConvAlgorithms
{
    /// <summary>Tests and measurements force one algorithm on the calling thread (null: the rule decides).</summary>
    [ThreadStatic] private static ConvAlgorithm? t_forced;

    internal static ConvAlgorithm? Forced { get => t_forced; set => t_forced = value; }

    public static ConvAlgorithm Forward(in Conv2dShape s) => Choose(in s, DirectApplies(in s));

    public static ConvAlgorithm BackwardInput(in Conv2dShape s) =>
        Choose(in s, DirectApplies(in s) && (InputGradientLaneUse(in s) >= 0.6 || s.GroupOutChannels < 4));

    /// <summary>
    /// The share of the direct input-gradient kernel's lanes that compute kept values: input channels
    /// over the channel block they are rounded up to, times image columns over padded columns.
    /// </summary>
    internal static double InputGradientLaneUse(in Conv2dShape s)
    {
        var geo = ConvDirect.Geometry.BackwardInput(in s);
        return (double)s.GroupInChannels / ConvDirect.CorrelationPad(s.GroupInChannels) * geo.OutW / geo.PaddedW;
    }

    public static ConvAlgorithm BackwardWeight(in Conv2dShape s) =>
        Choose(in s, DirectApplies(in s) && (long)s.GroupInChannels * s.GroupOutChannels <= 1024);

    private static bool DirectApplies(in Conv2dShape s) =>
        Vector512.IsHardwareAccelerated && ConvDirect.Supports(in s) && s.KernelHeight * s.KernelWidth > 1;

    /// <summary>The forced algorithm where it applies (Direct needs stride 1), else the rule's choice.</summary>
    private static ConvAlgorithm Choose(in Conv2dShape s, bool direct)
    {
        var choice = t_forced ?? (direct ? ConvAlgorithm.Direct : ConvAlgorithm.Im2ColGemm);
        return choice == ConvAlgorithm.Direct && !ConvDirect.Supports(in s) ? ConvAlgorithm.Im2ColGemm : choice;
    }
}
