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
/// Which algorithm runs each pass of a convolution shape. PROVISIONAL: measured below.
/// </summary>
internal static class ConvAlgorithms
{
    /// <summary>Tests and measurements force one algorithm on the calling thread (null: the rule decides).</summary>
    [ThreadStatic] private static ConvAlgorithm? t_forced;

    internal static ConvAlgorithm? Forced { get => t_forced; set => t_forced = value; }

    public static ConvAlgorithm Forward(in Conv2dShape s) => Choose(in s, DirectWins(in s));

    public static ConvAlgorithm BackwardInput(in Conv2dShape s) => Choose(in s, DirectWins(in s));

    public static ConvAlgorithm BackwardWeight(in Conv2dShape s) => Choose(in s, DirectWins(in s));

    /// <summary>The forced algorithm where it applies (Direct needs stride 1), else the rule's choice.</summary>
    private static ConvAlgorithm Choose(in Conv2dShape s, bool direct)
    {
        var choice = t_forced ?? (direct ? ConvAlgorithm.Direct : ConvAlgorithm.Im2ColGemm);
        return choice == ConvAlgorithm.Direct && !ConvDirect.Supports(in s) ? ConvAlgorithm.Im2ColGemm : choice;
    }

    private static bool DirectWins(in Conv2dShape s) =>
        Vector512.IsHardwareAccelerated && ConvDirect.Supports(in s) && s.GroupInChannels * s.GroupOutChannels <= 16 * 16;
}
