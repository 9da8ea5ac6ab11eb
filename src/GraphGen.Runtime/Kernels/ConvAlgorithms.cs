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
/// One thread's CPU time per call, batch 64, AMD EPYC (Zen 5, AVX-512), .NET 10, µs
/// (GEMM / direct; the faster in bold in docs/kernels.md, which has the command):
/// <code>
/// shape                         forward        input gradient   weight gradient
/// LeNet 1→6 k5 28×28            409 / 167      245 / 426        524 / 214
/// LeNet 6→16 k5 12×12           595 / 195      339 / 417        695 / 330
/// ResNet 16→16 k3 p1 28×28     4013 / 1593    2687 / 1509      4131 / 2421
/// ResNet 32→32 k3 p1 14×14     3843 / 1524    3176 / 1409      3572 / 2606
/// 3→16 k3 p1 32×32             1102 / 661      856 / 671       1432 / 817
/// depthwise 32 k3 p1 14×14     2538 / 495     1700 / 390       3935 / 622
/// 64→64 k3 p1 7×7              4238 / 1717    2862 / 1602      3021 / 4937
/// 128→128 k3 p1 7×7           12102 / 6214    9748 / 6019      8746 / 23520
/// 32→64 k1 14×14                530 / 801      458 / 608        537 / 2574
/// </code>
/// Forward: the direct kernel wins 2–5× wherever it applies (stride 1), except for 1×1 kernels,
/// where the GEMM needs no unrolling. Input gradient: the direct kernel computes whole blocks of 8
/// input channels, so below 8 it wastes lanes and loses (LeNet), unless the GEMM is worse still
/// because its depth (OCg) is tiny (depthwise). Weight gradient: the direct kernel's dot products
/// stream every (input, output) channel pair's planes, which wins up to ICg·OCg = 1024 and loses to
/// the GEMM's blocking beyond (64→64). Without AVX-512 the direct kernel is not used (it has no
/// 256-bit form).
/// </remarks>
internal static class ConvAlgorithms
{
    /// <summary>Tests and measurements force one algorithm on the calling thread (null: the rule decides).</summary>
    [ThreadStatic] private static ConvAlgorithm? t_forced;

    internal static ConvAlgorithm? Forced { get => t_forced; set => t_forced = value; }

    public static ConvAlgorithm Forward(in Conv2dShape s) => Choose(in s, DirectApplies(in s));

    public static ConvAlgorithm BackwardInput(in Conv2dShape s) =>
        Choose(in s, DirectApplies(in s) && (s.GroupInChannels >= 8 || s.GroupOutChannels < 4));

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
