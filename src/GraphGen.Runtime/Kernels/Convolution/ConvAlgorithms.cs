using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>The ways <see cref="Conv2d"/> computes a pass.</summary>
internal enum ConvAlgorithm
{
    /// <summary>im2col (or the input itself for 1×1) and one <see cref="Gemm"/> per sample and group: <see cref="ConvGemm"/>.</summary>
    Im2ColGemm,
    /// <summary>Register-blocked correlation over zero-padded planes, stride 1 only: <see cref="ConvDirect"/>.</summary>
    Direct,
    /// <summary>Winograd's F(2×2, 3×3) or F(4×4, 3×3) (forward, input gradient; <see cref="ConvWinograd.TakesLargeTiles"/>) and F(3×3, 2×2) or F(3×3, 4×4) (weight gradient): 3×3, stride 1, one group: <see cref="ConvWinograd"/>.</summary>
    Winograd,
    /// <summary>Output channels in the vector lanes over a channels-last copy of each sample: the forward pass, and the input gradient at stride 1: <see cref="ConvChannelsLast"/>.</summary>
    ChannelsLast,
}

/// <summary>
/// Which algorithm runs each pass of a convolution shape: a rule fitted to measurements.
/// </summary>
/// <remarks>
/// Measured on one thread (its CPU time per call, best of 15 rounds, best of 3 runs; batch 64;
/// AMD EPYC Zen 5 with AVX-512, .NET 10), µs as GEMM / direct; docs/kernels.md has the command
/// and the two-thread figures (1.5–2× for every shape):
/// <code>
/// shape                        forward        input gradient   weight gradient
/// LeNet 1→6 k5 28×28            302 / 154       244 / 391        416 / 192
/// LeNet 6→16 k5 12×12           501 / 185       337 / 390        581 / 306
/// ResNet 16→16 k3 p1 28×28     3334 / 1548     2563 / 1412      3582 / 2162
/// ResNet 32→32 k3 p1 14×14     3731 / 1461     2896 / 1382      3395 / 2414
/// 3→16 k3 p1 32×32              880 / 627       823 / 642       1193 / 724
/// 8→8 k3 p1 28×28              1347 / 481      1065 / 414       1508 / 687
/// depthwise 32 k3 p1 14×14     2777 / 457      1977 / 394       4112 / 548
/// 64→64 k3 p1 7×7              3744 / 1621     2935 / 1550      2689 / 4439
/// 128→128 k3 p1 7×7           10885 / 6104     9540 / 5970      8025 / 21874
/// 64→64 k3 p1 28×28           27657 / 20898   24529 / 20355    28448 / 35103
/// 32→64 k1 14×14                517 / 716       434 / 590        457 / 2165
/// </code>
/// The rule, from these figures (the machine is shared, so single runs differ by up to 30%;
/// only larger differences decided anything):
/// <list type="bullet">
/// <item>Winograd's F(2×2, 3×3) / F(3×3, 2×2) for 3×3 stride-1 layers: forward and input gradient
/// at 64 channels and more (<see cref="WinogradPays"/>: 1.3–1.45× the other kernels), weight
/// gradient from 1024 channel pairs (<see cref="WinogradPaysForWeights"/>: 1.2–2.2×). The forward
/// pass and input gradient take F(4×4, 3×3) where the output's sides are multiples of 4
/// (<see cref="ConvWinograd.TakesLargeTiles"/>; two threads, batch 32, µs F(2×2) / F(4×4), alternating:
/// 64→64 16×16 forward 1070–1336 / 896–1050, input gradient 1048–1306 / 902–1072; 128→128 8×8
/// 1168–1261 / 1074–1428 and 1179–1259 / 1091–1269), and the weight gradient F(3×3, 4×4) where a
/// slice of the batch holds 64 of those tiles (<see cref="ConvWinograd.WeightGradientTakesLargeTiles"/>).</item>
/// <item>Forward, below that: channels last (<see cref="ChannelsLastPays"/>) where the output
/// channels fill whole vectors and the input channels are many (32, or 16 with a stride or short rows);
/// the input gradient at stride 1 likewise, for its correlation's shape.</item>
/// <item>Forward otherwise: direct wherever it applies
/// (stride 1, k &gt; 1): 1.3–6× faster than the GEMM. A 1×1 kernel needs no unrolling, and there
/// the GEMM wins.</item>
/// <item>Input gradient: the direct kernel computes whole blocks of 4 or 8 input channels and
/// whole padded rows; it wins when at least 55% of its lanes compute kept values
/// (<see cref="InputGradientLaneUse"/>: 93% for ResNet, 71% for 3→16, 58% for LeNet conv2,
/// 22% for LeNet conv1), or when the GEMM's depth OCg is below 4 (depthwise: 5×). See
/// <see cref="DirectInputGradientMinLaneUse"/> for the threshold's measurements.</item>
/// <item>Weight gradient: the direct kernel's dot products stream the planes of every (input,
/// output) channel pair; up to ICg·OCg = 1024 that wins 1.4–7×, beyond it the GEMM's blocking
/// wins (64→64: 1.2–1.7×, 128→128: 2.7×).</item>
/// </list>
/// Without AVX-512 the direct and channels-last kernels are not used (they have no 256-bit form).
/// </remarks>
internal static class ConvAlgorithms
{
    /// <summary>Tests and measurements force one algorithm on the calling thread (null: the rule decides).</summary>
    [ThreadStatic] private static ConvAlgorithm? t_forced;

    internal static ConvAlgorithm? Forced { get => t_forced; set => t_forced = value; }

    public static ConvAlgorithm Forward(in Conv2dShape s)
    {
        if (TakesWinograd(ConvWinograd.Supports(in s), WinogradPays(in s))) return ConvAlgorithm.Winograd;
        if (ConvChannelsLast.Supports(in s) && (t_forced == ConvAlgorithm.ChannelsLast || t_forced == null && ChannelsLastPays(in s)))
            return ConvAlgorithm.ChannelsLast;
        return Choose(in s, DirectApplies(in s));
    }

    /// <summary>
    /// The channels-last kernel fills its lanes with output channels, and its inner loop runs over
    /// the input channels of one tap: it pays where the output channels fill whole vectors and the
    /// input channels make that loop long enough to hide a block's transpose and stores. Measured on
    /// two threads, batch 64, µs channels-last / the rule before (2026-12-04, best of a second): 16→32
    /// 3×3 stride 2 on 14×14 126 / 259 (GEMM), 32→32 7×7 200 / 292 (direct), 32→32 14×14 752 /
    /// 838–873, 32→64 16×16 1884–1972 / 2193–2330, 64→128 stride 2 on 16×16 2275 / 2350 (GEMM),
    /// 16→16 14×14 228 / 252 (direct). But 16→16 28×28 929–947 / 832–844 (two blocks a row against
    /// the direct kernel's full lanes), 3→64 32×32 2374 / 1222 and LeNet's 6→16 5×5 on 14×14
    /// 173–179 / 154–155: loops of 3 and 6 channels.
    /// </summary>
    internal static bool ChannelsLastPays(in Conv2dShape s) =>
        s.OutChannels % 16 == 0 && s.KernelHeight * s.KernelWidth > 1 && new ConvChannelsLast.Geometry(in s).Length(in s) <= ChannelsLastMaxFloats
        && (s.InChannels >= 32 || s.InChannels >= 16 && (s.StrideW > 1 || s.OutWidth <= 16));

    /// <summary>The largest padded sample measured (1 MiB; 64-channel 224×224 layers stay on the direct kernel, as measured).</summary>
    internal const int ChannelsLastMaxFloats = 1 << 18;

    /// <summary>
    /// Winograd's transforms cost per input channel (input) and per output channel (output), its
    /// products per pair of them: it pays once both are wide. Measured on two threads, µs as the
    /// rule before / Winograd (<c>profile-cnn</c>): 64→64 16×16 b32 forward 1617 / 1207–1306,
    /// input gradient 1634 / 1274–1335, weight gradient (GEMM) 2700 / 1244–1270; 128→128 8×8 b32
    /// 2277 / 1576–1716, 2281 / 1719–1778, 2370 / 1722. But 16→16 14×14 b64 forward 190 / 290
    /// and 32→32 7×7 b64 231 / 310, where a tile row of 7 or 4 tiles fills a fraction of the
    /// transforms' 16 lanes.
    /// </summary>
    internal static bool WinogradPays(in Conv2dShape s) =>
        s.InChannels >= WinogradMinChannels && s.OutChannels >= WinogradMinChannels && ConvWinograd.FitsWorkspace(in s);

    internal const int WinogradMinChannels = 64;

    /// <summary>
    /// The weight gradient's transforms are the same, but its GEMMs are as deep as a slice has
    /// tiles and its output transform runs once per call: it pays from 1024 channel pairs, where the
    /// direct kernel's dot products stop paying (two threads, µs direct / Winograd: 32→32 7×7 b64
    /// 391–395 / 322–324; 16→16 14×14 b64 252 / 275–278).
    /// </summary>
    internal static bool WinogradPaysForWeights(in Conv2dShape s) => (long)s.InChannels * s.OutChannels >= 1024 && ConvWinograd.FitsWorkspace(in s);

    /// <summary>
    /// The input gradient at stride 1 is the forward pass of <see cref="ConvChannelsLast.BackwardInputShape"/>
    /// over dy, so the channels-last kernel takes it where <see cref="ChannelsLastPays"/> says so
    /// for that shape. Measured (two threads, batch 64, µs channels-last / direct, 2026-12-04, load
    /// average 13): 32→32 7×7 185–189 / 283–286, 32→32 14×14 690–737 / 862–891, 32→64 16×16
    /// 1750–1814 / 1920–1997, 16→16 14×14 207–209 / 227–234; but 16→16 28×28 818–849 / 762–779,
    /// as for the forward pass.
    /// </summary>
    public static ConvAlgorithm BackwardInput(in Conv2dShape s)
    {
        if (TakesWinograd(ConvWinograd.SupportsBackwardInput(in s), WinogradPays(in s))) return ConvAlgorithm.Winograd;
        if (ConvChannelsLast.SupportsBackwardInput(in s)
            && (t_forced == ConvAlgorithm.ChannelsLast || t_forced == null && ChannelsLastPays(ConvChannelsLast.BackwardInputShape(in s))))
            return ConvAlgorithm.ChannelsLast;
        return Choose(in s, DirectApplies(in s) && (InputGradientLaneUse(in s) >= DirectInputGradientMinLaneUse || s.GroupOutChannels < 4));
    }

    /// <summary>
    /// The lane use from which the direct input gradient runs (measured 2026-12-04, batch 64, µs
    /// GEMM / direct on two threads and on one): LeNet conv2 6→16 k5 14×14 (58%) 426 / 277 and
    /// 617 / 509; 12→16 k5 14×14 (58%) 681 / 517, 1307 / 992; 3→8 k5 12×12 (56%) 94 / 61,
    /// 179 / 117; but 6→16 k5 8×8 (50%) 90 / 103, 168 / 199, and at 49% mixed (5→16 k5 14×14
    /// 354 / 274, 515 / 508). It was 60%, which sent LeNet conv2 to the GEMM at 1.5× the time.
    /// </summary>
    internal const double DirectInputGradientMinLaneUse = 0.55;

    /// <summary>
    /// The share of the direct input-gradient kernel's lanes that compute kept values: input channels
    /// over the channel block they are rounded up to, times image columns over padded columns.
    /// </summary>
    internal static double InputGradientLaneUse(in Conv2dShape s)
    {
        var geo = ConvDirect.Geometry.BackwardInput(in s);
        return (double)s.GroupInChannels / ConvDirect.CorrelationPad(s.GroupInChannels) * geo.OutW / geo.PaddedW;
    }

    public static ConvAlgorithm BackwardWeight(in Conv2dShape s)
    {
        if (TakesWinograd(ConvWinograd.Supports(in s), WinogradPaysForWeights(in s))) return ConvAlgorithm.Winograd;
        return Choose(in s, DirectApplies(in s) && (long)s.GroupInChannels * s.GroupOutChannels <= 1024);
    }

    private static bool DirectApplies(in Conv2dShape s) =>
        Vector512.IsHardwareAccelerated && ConvDirect.Supports(in s) && s.KernelHeight * s.KernelWidth > 1;

    /// <summary>Winograd where the pass supports it and it is forced, or (nothing forced) where the rule says it pays.</summary>
    private static bool TakesWinograd(bool supported, bool pays) =>
        supported && (t_forced == ConvAlgorithm.Winograd || t_forced == null && pays);

    /// <summary>The forced algorithm where it applies (Direct needs stride 1; Winograd is decided by <see cref="TakesWinograd"/>), else the rule's choice.</summary>
    private static ConvAlgorithm Choose(in Conv2dShape s, bool direct)
    {
        var rule = direct ? ConvAlgorithm.Direct : ConvAlgorithm.Im2ColGemm;
        var choice = t_forced is { } forced && forced is ConvAlgorithm.Direct or ConvAlgorithm.Im2ColGemm ? forced : rule;
        return choice == ConvAlgorithm.Direct && !ConvDirect.Supports(in s) ? ConvAlgorithm.Im2ColGemm : choice;
    }
}
