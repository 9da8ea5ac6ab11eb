using CsCheck;
using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>Both convolution algorithms against the double-precision definition, over many shapes, and against finite differences.</summary>
public class Conv2dTests
{
    /// <summary>Stride, padding, dilation, groups (incl. depthwise), 1×1, odd and non-square sizes, a kernel as large as the image.</summary>
    public static readonly Conv2dShape[] Shapes =
    [
        new(1, 12, 12, 6, 5, 5),                                                          // LeNet's first layer, smaller
        new(3, 7, 9, 4, 3, 3, PadH: 1, PadW: 1),                                          // odd sizes, "same" padding
        new(4, 9, 8, 6, 3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1),                  // stride 2
        new(4, 8, 8, 4, 3, 3, PadH: 2, PadW: 2, DilationH: 2, DilationW: 2),               // dilation
        new(4, 6, 7, 6, 3, 3, PadH: 1, PadW: 1, Groups: 2),                                // groups
        new(4, 7, 7, 4, 3, 3, PadH: 1, PadW: 1, Groups: 4),                                // depthwise
        new(3, 9, 7, 6, 3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, Groups: 3),        // depthwise ×2, stride 2
        new(5, 6, 6, 3, 1, 1),                                                             // pointwise (no unrolling)
        new(5, 7, 6, 3, 1, 1, StrideH: 2, StrideW: 2),                                     // strided 1×1
        new(2, 7, 9, 5, 2, 3, StrideH: 2, StrideW: 1, PadH: 1, PadW: 0, DilationH: 1, DilationW: 2), // everything differs per axis
        new(2, 5, 5, 3, 1, 1, PadH: 1, PadW: 1),                                           // padding wider than the kernel reaches
        new(3, 5, 4, 2, 5, 4),                                                             // kernel as large as the image: 1×1 output
        new(6, 5, 5, 9, 3, 3, StrideH: 3, StrideW: 3, PadH: 2, PadW: 1),                   // stride larger than the kernel's overlap
        new(2, 33, 35, 5, 3, 3, PadH: 1, PadW: 1),                                         // several register blocks per plane
        new(9, 6, 7, 12, 3, 3, PadH: 1, PadW: 1),                                          // 8-channel blocks, padded (12 → 16, 9 → 16)
        new(16, 5, 5, 8, 3, 3, PadH: 1, PadW: 1, Groups: 2),                               // 8-channel blocks per group
        new(2, 5, 71, 3, 3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1),                  // stride 2, rows of 36: whole 16-column gathers and a tail
        new(5, 9, 10, 7, 3, 3),                                                            // 3×3 unpadded: odd output rows (Winograd's last tile half used)
        new(3, 6, 5, 4, 3, 3, PadH: 2, PadW: 2),                                           // padding of 2: a full ring of zeros
        new(4, 13, 15, 5, 3, 3, PadH: 1, PadW: 1),                                         // rows of 8 tiles (two to a vector), odd rows and columns
        new(5, 8, 12, 6, 3, 3, PadH: 1, PadW: 1),                                          // 8×12 outputs: Winograd's 4×4 tiles, 2×3 of them
        new(3, 10, 6, 7, 3, 3),                                                            // 8×4 unpadded: one column of 4×4 tiles (the input gradient's 10×6 on 2×2 tiles)
        new(3, 32, 32, 4, 3, 3, PadH: 1, PadW: 1),                                         // 64 tiles of 4×4 a sample: the weight gradient's F(3×3, 4×4) too
        new(1, 9, 30, 6, 5, 5, PadH: 2, PadW: 2),                                          // LeNet's first layer's rows of 30: written straight from the direct kernel's registers
        new(4, 6, 21, 10, 3, 3, PadH: 1, PadW: 0, DilationH: 1, DilationW: 2, Groups: 2),  // rows of 17 (one lane of the second vector), groups, dilation
    ];

    /// <summary>
    /// The cases, and Winograd's on every shape it supports (batch 9: groups of samples, the last
    /// one partial), for the forward pass and the input gradient.
    /// </summary>
    public static TheoryData<int, string, int> CasesWithWinograd()
    {
        var data = Cases();
        for (int i = 0; i < Shapes.Length; i++)
            if (ConvWinograd.Supports(Shapes[i]))
                foreach (int batch in new[] { 1, 3, 9 })
                    data.Add(i, "Winograd", batch);
        return data;
    }

    /// <summary>
    /// Shapes for the channels-last forward kernel beyond <see cref="Shapes"/>: every register-block
    /// width (4, 7, 8, 14, 16 outputs, with one or two channel vectors), channels past a whole
    /// vector (40 = 2 + a lone one, 24 kept of 32), stride 2 and dilation.
    /// </summary>
    public static readonly Conv2dShape[] ChannelsLastShapes =
    [
        new(16, 14, 14, 16, 3, 3, PadH: 1, PadW: 1),                                      // FashionResNet's stage 1: rows of 14
        new(16, 14, 14, 32, 3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1),              // its strided layer: 7 columns × 2 vectors
        new(32, 7, 7, 32, 3, 3, PadH: 1, PadW: 1),                                        // its stage 2
        new(1, 28, 28, 16, 3, 3, PadH: 1, PadW: 1),                                       // its stem: two blocks of 14 a row
        new(3, 16, 16, 40, 3, 3, PadH: 1, PadW: 1),                                       // 16 wide; 40 channels = 2 vectors + 8 of a third
        new(5, 8, 8, 24, 3, 3, PadH: 1, PadW: 1),                                         // 8 wide, 24 of 32 channels stored
        new(4, 9, 11, 16, 3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1),                // 6 columns: blocks of 7 with one thrown away
        new(6, 12, 13, 20, 2, 3, StrideH: 1, StrideW: 2, PadH: 0, PadW: 1, DilationH: 2, DilationW: 1), // strides and dilations differ per axis
        new(2, 5, 5, 16, 1, 1),                                                           // 1×1, rows of 5 in a block of 7
    ];

    /// <summary>The forward cases: <see cref="CasesWithWinograd"/>, then the channels-last kernel on every shape it supports.</summary>
    public static TheoryData<Conv2dShape, string, int> ForwardCases() => WithChannelsLast(s => ConvChannelsLast.Supports(s));

    /// <summary><see cref="CasesWithWinograd"/> by shape, then the channels-last kernel on every shape where <paramref name="supports"/> (batches 1 and 3).</summary>
    private static TheoryData<Conv2dShape, string, int> WithChannelsLast(Func<Conv2dShape, bool> supports)
    {
        var data = new TheoryData<Conv2dShape, string, int>();
        foreach (var row in CasesWithWinograd())
            data.Add(Shapes[(int)row[0]], (string)row[1], (int)row[2]);
        foreach (var s in Shapes.Concat(ChannelsLastShapes))
            if (supports(s))
                foreach (int batch in new[] { 1, 3 })
                    data.Add(s, "ChannelsLast", batch);
        return data;
    }

    public static TheoryData<int, string, int> Cases()
    {
        var data = new TheoryData<int, string, int>();
        for (int i = 0; i < Shapes.Length; i++)
            foreach (var algorithm in new[] { "Im2ColGemm", "Direct" })
                foreach (int batch in new[] { 1, 3 })
                    data.Add(i, algorithm, batch);
        return data;
    }

    internal sealed class Problem
    {
        public required Conv2dShape S;
        public required int Batch;
        public required float[] X, W, Bias, Dy;

        public static Problem Create(Conv2dShape s, int batch, ulong seed)
        {
            var rng = new SeededRandom(seed);
            return new Problem
            {
                S = s, Batch = batch,
                X = Random(rng, batch * s.InputSize), W = Random(rng, s.WeightSize),
                Bias = Random(rng, s.OutChannels), Dy = Random(rng, batch * s.OutputSize),
            };
        }
    }

    internal static T Using<T>(string algorithm, Func<T> body)
    {
        ConvAlgorithms.Forced = Enum.Parse<ConvAlgorithm>(algorithm);
        try
        {
            return body();
        }
        finally
        {
            ConvAlgorithms.Forced = null;
        }
    }

    /// <summary>
    /// Winograd's F(2×2, 3×3) sums its products in the transformed domain: an output's rounding
    /// errors scale with the terms of the 4×4 input tile under its 2×2 block, not with its own 9
    /// taps, and the transforms add up to 4 (input), 9 (weight, halved twice) and 9 (output)
    /// values. Bound: (C + 8)·2⁻²³ times 9·Σ_c max|x in the tile|·Σ_taps|w| (a tile's inputs times
    /// the kernel's absolute sum, for each of the 16 positions), plus the bias' rounding.
    /// F(4×4, 3×3) (<see cref="ConvWinograd.TakesLargeTiles"/>): the 6×6 tile under the 4×4 block,
    /// and in place of 9 the factor its matrices give, max over (i, j) of Σ_{p,q} |Aᵀ[i,p]|·|Aᵀ[j,q]|
    /// · b_p·b_q · γ_p·γ_q with b the row sums of |Bᵀ| and γ the row maxima of |G| (860; the same
    /// formula gives 16 for F(2×2, 3×3)), and six more additions in the depth.
    /// </summary>
    private static double[] WinogradBound(Conv2dShape s, int batch, float[] x, Func<int, int, int, float> weight, double[] magnitude)
    {
        bool large = ConvWinograd.TakesLargeTiles(s);
        int tile = large ? 4 : 2, reach = tile + 2, depth = large ? 14 : 8;
        double factor = large ? LargeTileFactor : 9;
        var bound = new double[magnitude.Length];
        int oh = s.OutHeight, ow = s.OutWidth;
        for (int b = 0; b < batch; b++)
            for (int o = 0; o < s.OutChannels; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        int ty = i / tile * tile - s.PadH, tx = j / tile * tile - s.PadW;
                        double sum = 0;
                        for (int c = 0; c < s.InChannels; c++)
                        {
                            double tileMax = 0, kernel = 0;
                            for (int u = 0; u < reach; u++)
                                for (int v = 0; v < reach; v++)
                                {
                                    int h = ty + u, w = tx + v;
                                    if (h >= 0 && h < s.InHeight && w >= 0 && w < s.InWidth)
                                        tileMax = Math.Max(tileMax, Math.Abs(x[((b * s.InChannels + c) * s.InHeight + h) * s.InWidth + w]));
                                }
                            for (int t = 0; t < 9; t++) kernel += Math.Abs(weight(o, c, t));
                            sum += factor * tileMax * kernel;
                        }
                        int at = ((b * s.OutChannels + o) * oh + i) * ow + j;
                        bound[at] = (s.InChannels + depth) * 1.2e-7 * sum + 1.2e-7 * magnitude[at];
                    }
        return bound;
    }

    /// <summary>F(4×4, 3×3)'s amplification of rounding errors (<see cref="WinogradBound"/>), from its matrices.</summary>
    private static readonly double LargeTileFactor = AmplificationFactor(
        new double[,] { { 1, 1, 1, 1, 1, 0 }, { 0, 1, -1, 2, -2, 0 }, { 0, 1, 1, 4, 4, 0 }, { 0, 1, -1, 8, -8, 1 } },
        new double[,] { { 4, 0, -5, 0, 1, 0 }, { 0, -4, -4, 1, 1, 0 }, { 0, 4, -4, -1, 1, 0 }, { 0, -2, -1, 2, 1, 0 }, { 0, 2, -1, -2, 1, 0 }, { 0, 4, 0, -5, 0, 1 } },
        new double[,] { { 0.25, 0, 0 }, { -1.0 / 6, -1.0 / 6, -1.0 / 6 }, { -1.0 / 6, 1.0 / 6, -1.0 / 6 }, { 1.0 / 24, 1.0 / 12, 1.0 / 6 }, { 1.0 / 24, -1.0 / 12, 1.0 / 6 }, { 0, 0, 1 } });

    /// <summary>max over (i, j) of Σ_{p,q} |Aᵀ[i,p]|·|Aᵀ[j,q]|·b_p·b_q·γ_p·γ_q (b: row sums of |Bᵀ|, γ: row maxima of |G|).</summary>
    private static double AmplificationFactor(double[,] at, double[,] bt, double[,] g)
    {
        int n = bt.GetLength(0);
        var weight = new double[n];
        for (int p = 0; p < n; p++)
        {
            double rowSum = 0, rowMax = 0;
            for (int k = 0; k < n; k++) rowSum += Math.Abs(bt[p, k]);
            for (int k = 0; k < g.GetLength(1); k++) rowMax = Math.Max(rowMax, Math.Abs(g[p, k]));
            weight[p] = rowSum * rowMax;
        }
        double most = 0;
        for (int i = 0; i < at.GetLength(0); i++)
            for (int j = 0; j < at.GetLength(0); j++)
            {
                double sum = 0;
                for (int p = 0; p < n; p++)
                    for (int q = 0; q < n; q++)
                        sum += Math.Abs(at[i, p]) * Math.Abs(at[j, q]) * weight[p] * weight[q];
                most = Math.Max(most, sum);
            }
        return most;
    }

    /// <summary>
    /// Winograd's weight gradient sums D_ξ·V_ξ over every tile in the transformed domain: each
    /// weight's rounding errors scale with Σ over tiles of the 4×4 input tile's largest |x| times
    /// its 2×2 block's Σ|dy| (times 9 for the transforms' sums), over chains as long as a slice's
    /// tiles plus the slices' sum. F(3×3, 4×4) (<see cref="ConvWinograd.WeightGradientTakesLargeTiles"/>): the 6×6
    /// tile and the 4×4 block, and in place of 9 the factor of <see cref="WinogradBound"/> (its
    /// matrices are the forward's with A and G swapped, which gives the same 860).
    /// </summary>
    private static double[] WinogradWeightBound(Conv2dShape s, int batch, Problem p, double[] magnitude)
    {
        bool large = ConvWinograd.WeightGradientTakesLargeTiles(s, batch);
        int size = large ? 4 : 2, reach = size + 2, depth = large ? 36 : 24;
        double factor = large ? LargeTileFactor : 9;
        var bound = new double[magnitude.Length];
        int oh = s.OutHeight, ow = s.OutWidth, tiles = (oh + size - 1) / size * ((ow + size - 1) / size);
        // One chain per slice (its tiles, chunk after chunk into the same sums), then the slices' partial sums in order.
        int slices = ConvWinograd.WeightSlices(s, batch);
        int chain = (batch + slices - 1) / slices * tiles + slices;
        for (int o = 0; o < s.OutChannels; o++)
            for (int c = 0; c < s.InChannels; c++)
            {
                double sum = 0;
                for (int b = 0; b < batch; b++)
                    for (int ty = 0; ty < oh; ty += size)
                        for (int tx = 0; tx < ow; tx += size)
                        {
                            double tileMax = 0, block = 0;
                            for (int u = 0; u < reach; u++)
                                for (int v = 0; v < reach; v++)
                                {
                                    int h = ty - s.PadH + u, w = tx - s.PadW + v;
                                    if (h >= 0 && h < s.InHeight && w >= 0 && w < s.InWidth)
                                        tileMax = Math.Max(tileMax, Math.Abs(p.X[((b * s.InChannels + c) * s.InHeight + h) * s.InWidth + w]));
                                }
                            for (int i = ty; i < Math.Min(ty + size, oh); i++)
                                for (int j = tx; j < Math.Min(tx + size, ow); j++)
                                    block += Math.Abs(p.Dy[((b * s.OutChannels + o) * oh + i) * ow + j]);
                            sum += factor * tileMax * block;
                        }
                for (int t = 0; t < 9; t++)
                {
                    int at = (o * s.InChannels + c) * 9 + t;
                    bound[at] = (chain + depth) * 1.2e-7 * sum + 1.2e-7 * magnitude[at];
                }
            }
        return bound;
    }

    /// <summary>A chain of n float multiply-adds is within about (n + 4)·2⁻²³ of Σ|terms| from the exact sum.</summary>
    private static double[] Bound(double[] magnitude, int terms) => Array.ConvertAll(magnitude, m => (terms + 4) * 1.2e-7 * m);

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void ForwardMatchesTheDefinition(Conv2dShape shape, string algorithm, int batch)
    {
        var p = Problem.Create(shape, batch, 100 + (ulong)(shape.InputSize + shape.OutChannels));
        var s = p.S;
        var y = new float[batch * s.OutputSize + 1];
        y[^1] = 12345f;
        Using(algorithm, () => { Conv2d.Forward(s, batch, p.X, p.W, p.Bias, y); return 0; });
        var expected = ConvReference.Forward(s, batch, ToDouble(p.X), ToDouble(p.W), ToDouble(p.Bias));
        var magnitude = ConvReference.Forward(s, batch, ToDouble(p.X), ToDouble(p.W), ToDouble(p.Bias), magnitude: true);
        var bound = algorithm == "Winograd"
            ? WinogradBound(s, batch, p.X, (o, c, t) => p.W[(o * s.InChannels + c) * 9 + t], magnitude)
            : Bound(magnitude, s.GroupWeightColumns + 1);
        WithinBound(expected, y, bound, $"{s} {algorithm} y");
        Assert.Equal(12345f, y[^1]);

        var noBias = new float[batch * s.OutputSize];
        Using(algorithm, () => { Conv2d.Forward(s, batch, p.X, p.W, [], noBias); return 0; });
        var expectedNoBias = ConvReference.Forward(s, batch, ToDouble(p.X), ToDouble(p.W), null);
        WithinBound(expectedNoBias, noBias, bound, $"{s} {algorithm} y without bias");
    }

    /// <summary>The input-gradient cases: <see cref="CasesWithWinograd"/>, then the channels-last kernel on every shape whose input gradient it supports (stride 1).</summary>
    public static TheoryData<Conv2dShape, string, int> BackwardInputCases() => WithChannelsLast(s => ConvChannelsLast.SupportsBackwardInput(s));

    [Theory]
    [MemberData(nameof(BackwardInputCases))]
    public void BackwardInputMatchesTheDefinition(Conv2dShape shape, string algorithm, int batch)
    {
        var p = Problem.Create(shape, batch, 200 + (ulong)(shape.InputSize + shape.OutChannels));
        var s = p.S;
        var dx = Random(new SeededRandom(9), batch * s.InputSize);
        var old = (float[])dx.Clone();
        Using(algorithm, () => { Conv2d.BackwardInput(s, batch, p.Dy, p.W, dx, accumulate: false); return 0; });
        var expected = ConvReference.BackwardInput(s, batch, ToDouble(p.Dy), ToDouble(p.W));
        var magnitude = ConvReference.BackwardInput(s, batch, ToDouble(p.Dy), ToDouble(p.W), magnitude: true);
        // Winograd's input gradient is the forward pass over dy with the kernel transposed and turned by 180°.
        var bound = algorithm == "Winograd"
            ? WinogradBound(ConvWinograd.BackwardInputShape(s), batch, p.Dy, (c, o, t) => p.W[(o * s.InChannels + c) * 9 + 8 - t], magnitude)
            : Bound(magnitude, s.GroupOutChannels * s.KernelHeight * s.KernelWidth);
        WithinBound(expected, dx, bound, $"{s} {algorithm} dx");

        // accumulate: dx = old + gradient (to the same bound, plus the rounding of the final add)
        Array.Copy(old, dx, old.Length);
        Using(algorithm, () => { Conv2d.BackwardInput(s, batch, p.Dy, p.W, dx, accumulate: true); return 0; });
        var expectedSum = expected.Select((e, i) => e + old[i]).ToArray();
        WithinBound(expectedSum, dx, bound.Select((b, i) => b + 1.2e-7 * (Math.Abs(old[i]) + Math.Abs(expected[i]))).ToArray(), $"{s} {algorithm} dx accumulated");
    }

    [Theory]
    [MemberData(nameof(CasesWithWinograd))]
    public void BackwardWeightMatchesTheDefinition(int shape, string algorithm, int batch)
    {
        var p = Problem.Create(Shapes[shape], batch, 300 + (ulong)shape);
        var s = p.S;
        var dw = Random(new SeededRandom(10), s.WeightSize);
        var db = Random(new SeededRandom(11), s.OutChannels);
        Using(algorithm, () => { Conv2d.BackwardWeight(s, batch, p.X, p.Dy, dw, db, accumulate: false); return 0; });
        var (expectedW, expectedB) = ConvReference.BackwardWeight(s, batch, ToDouble(p.X), ToDouble(p.Dy));
        var (magW, magB) = ConvReference.BackwardWeight(s, batch, ToDouble(p.X), ToDouble(p.Dy), magnitude: true);
        int terms = batch * s.OutPlane;
        WithinBound(expectedW, dw, algorithm == "Winograd" ? WinogradWeightBound(s, batch, p, magW) : Bound(magW, terms), $"{s} {algorithm} dW");
        WithinBound(expectedB, db, Bound(magB, terms), $"{s} {algorithm} dbias");

        Using(algorithm, () => { Conv2d.BackwardWeight(s, batch, p.X, p.Dy, dw, db, accumulate: true); return 0; });
        // Twice the gradient: the second call added exactly what the first wrote (the gradient is complete before it meets dW).
        var once = new float[s.WeightSize];
        var onceB = new float[s.OutChannels];
        Using(algorithm, () => { Conv2d.BackwardWeight(s, batch, p.X, p.Dy, once, onceB, accumulate: false); return 0; });
        Bitwise(once.Select(v => v + v).ToArray(), dw, $"{s} {algorithm} dW accumulated");
        Bitwise(onceB.Select(v => v + v).ToArray(), db, $"{s} {algorithm} dbias accumulated");

        // without a bias gradient
        var dwOnly = new float[s.WeightSize];
        Using(algorithm, () => { Conv2d.BackwardWeight(s, batch, p.X, p.Dy, dwOnly, [], accumulate: false); return 0; });
        Bitwise(once, dwOnly, $"{s} {algorithm} dW without dbias");
    }

    [Theory]
    [InlineData(0, "Im2ColGemm")]
    [InlineData(0, "Direct")]
    [InlineData(1, "Direct")]
    [InlineData(4, "Direct")]
    [InlineData(15, "Direct")]
    [InlineData(6, "Im2ColGemm")]
    public void WeightGradientOfALargerBatchSumsEverySlice(int shape, string algorithm)
    {
        // 19 samples: 8 slices of 2 or 3 samples, and chunks of several samples in the direct kernel.
        const int batch = 19;
        var p = Problem.Create(Shapes[shape], batch, 600 + (ulong)shape);
        var s = p.S;
        var dw = new float[s.WeightSize];
        var db = new float[s.OutChannels];
        Using(algorithm, () => { Conv2d.BackwardWeight(s, batch, p.X, p.Dy, dw, db, accumulate: false); return 0; });
        var (expectedW, expectedB) = ConvReference.BackwardWeight(s, batch, ToDouble(p.X), ToDouble(p.Dy));
        var (magW, magB) = ConvReference.BackwardWeight(s, batch, ToDouble(p.X), ToDouble(p.Dy), magnitude: true);
        WithinBound(expectedW, dw, Bound(magW, batch * s.OutPlane), $"{s} {algorithm} dW");
        WithinBound(expectedB, db, Bound(magB, batch * s.OutPlane), $"{s} {algorithm} dbias");
    }

    [Theory]
    [InlineData(0, "Im2ColGemm")]
    [InlineData(0, "Direct")]
    [InlineData(2, "Im2ColGemm")]
    [InlineData(4, "Direct")]
    [InlineData(9, "Im2ColGemm")]
    public void GradientsMatchFiniteDifferencesOfTheForwardPass(int shape, string algorithm)
    {
        const int batch = 2;
        var p = Problem.Create(Shapes[shape], batch, 400 + (ulong)shape);
        var s = p.S;
        // L = Σ r ⊙ conv(x, W, b): dL/dy = r, so the kernels' gradients with dy = r must match dL/dx, dL/dW, dL/db.
        var r = ToDouble(p.Dy);
        double[] x = ToDouble(p.X), w = ToDouble(p.W), bias = ToDouble(p.Bias);
        double Loss() => Dot(r, ConvReference.Forward(s, batch, x, w, bias));
        var dx = new float[p.X.Length];
        var dw = new float[p.W.Length];
        var db = new float[p.Bias.Length];
        Using(algorithm, () =>
        {
            Conv2d.BackwardInput(s, batch, p.Dy, p.W, dx, false);
            Conv2d.BackwardWeight(s, batch, p.X, p.Dy, dw, db, false);
            return 0;
        });
        MatchesFiniteDifferences(x, dx, _ => Loss(), $"{s} dx");
        MatchesFiniteDifferences(w, dw, _ => Loss(), $"{s} dW");
        MatchesFiniteDifferences(bias, db, _ => Loss(), $"{s} dbias");
    }

    [Theory]
    [InlineData(ActivationName.Relu, "Im2ColGemm")]
    [InlineData(ActivationName.LeakyRelu, "Im2ColGemm")]
    [InlineData(ActivationName.Sigmoid, "Direct")]
    [InlineData(ActivationName.Tanh, "Im2ColGemm")]
    [InlineData(ActivationName.Gelu, "Direct")]
    [InlineData(ActivationName.LeakyRelu, "Direct")]
    [InlineData(ActivationName.Silu, "Im2ColGemm")]
    [InlineData(ActivationName.Softplus, "Direct")]
    [InlineData(ActivationName.Relu, "Winograd")]
    [InlineData(ActivationName.Gelu, "Winograd")]
    [InlineData(ActivationName.Sigmoid, "Winograd")]
    [InlineData(ActivationName.Relu, "ChannelsLast")]
    [InlineData(ActivationName.Gelu, "ChannelsLast")]
    public void ForwardAppliesTheFusedActivation(ActivationName activation, string algorithm)
    {
        var s = Shapes[1];
        const int batch = 2;
        var p = Problem.Create(s, batch, 500);
        var y = new float[batch * s.OutputSize];
        Using(algorithm, () => { ActivationCases.With(activation, 0.2f, new ForwardCall(s, batch, p, y)); return 0; });
        var expected = ConvReference.Forward(s, batch, ToDouble(p.X), ToDouble(p.W), ToDouble(p.Bias))
            .Select(v => ActivationCases.Forward(activation, v, 0.2f)).ToArray();
        Close(expected, y, 1e-5, $"{activation} y");
    }

    [Theory]
    [InlineData("Im2ColGemm")]
    [InlineData("Direct")]
    [InlineData("Winograd")]
    public void BatchZeroWritesOnlyTheWeightGradient(string algorithm)
    {
        var s = Shapes[1];
        var dw = Enumerable.Repeat(5f, s.WeightSize).ToArray();
        var db = Enumerable.Repeat(5f, s.OutChannels).ToArray();
        Using(algorithm, () =>
        {
            Conv2d.Forward(s, 0, [], new float[s.WeightSize], [], []);
            Conv2d.BackwardInput(s, 0, [], new float[s.WeightSize], [], false);
            Conv2d.BackwardWeight(s, 0, [], [], dw, db, accumulate: true);
            return 0;
        });
        Assert.All(dw, v => Assert.Equal(5f, v));
        Using(algorithm, () => { Conv2d.BackwardWeight(s, 0, [], [], dw, db, accumulate: false); return 0; });
        Assert.All(dw, v => Assert.Equal(0f, v));
        Assert.All(db, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ForcingDirectFallsBackToGemmForStrides()
    {
        ConvAlgorithms.Forced = ConvAlgorithm.Direct;
        try
        {
            Assert.Equal(ConvAlgorithm.Im2ColGemm, ConvAlgorithms.Forward(Shapes[2]));
            Assert.Equal(ConvAlgorithm.Im2ColGemm, ConvAlgorithms.BackwardInput(Shapes[10]));
            Assert.Equal(ConvAlgorithm.Direct, ConvAlgorithms.BackwardWeight(Shapes[1]));
        }
        finally
        {
            ConvAlgorithms.Forced = null;
        }
    }

    /// <summary>
    /// Winograd's three passes on random 3×3 stride-1 shapes (CsCheck: 1–12 channels each way,
    /// images 1–18 on a side, padding 0–2, batch 1–4: one-tile and odd-sized planes, tile rows of
    /// every width, partial groups and slices), each against the double-precision definition
    /// within its bound. A failure prints the shape; CsCheck_Seed replays it, CsCheck_Iter samples more.
    /// </summary>
    [Fact]
    public void WinogradMatchesTheDefinitionOnRandomShapes()
    {
        if (!ConvWinograd.Supports(Shapes[1])) return; // no AVX-512: nothing takes Winograd (the rule tests say so)
        var shapes =
            from ic in Gen.Int[1, 12]
            from oc in Gen.Int[1, 12]
            from h in Gen.Int[1, 18]
            from w in Gen.Int[1, 18]
            from ph in Gen.Int[0, 2]
            from pw in Gen.Int[0, 2]
            from batch in Gen.Int[1, 4]
            where h + 2 * ph >= 3 && w + 2 * pw >= 3
            select (Shape: new Conv2dShape(ic, h, w, oc, 3, 3, PadH: ph, PadW: pw), Batch: batch);
        shapes.Sample(c =>
        {
            var (s, batch) = c;
            var p = Problem.Create(s, batch, (ulong)(s.InChannels * 1000 + s.InHeight * 31 + s.InWidth));
            var y = new float[batch * s.OutputSize];
            var dx = new float[batch * s.InputSize];
            var dw = new float[s.WeightSize];
            var db = new float[s.OutChannels];
            Using("Winograd", () =>
            {
                Conv2d.Forward(s, batch, p.X, p.W, p.Bias, y);
                Conv2d.BackwardInput(s, batch, p.Dy, p.W, dx, accumulate: false);
                Conv2d.BackwardWeight(s, batch, p.X, p.Dy, dw, db, accumulate: false);
                return 0;
            });
            var magnitude = ConvReference.Forward(s, batch, ToDouble(p.X), ToDouble(p.W), ToDouble(p.Bias), magnitude: true);
            WithinBound(ConvReference.Forward(s, batch, ToDouble(p.X), ToDouble(p.W), ToDouble(p.Bias)), y,
                WinogradBound(s, batch, p.X, (o, ci, t) => p.W[(o * s.InChannels + ci) * 9 + t], magnitude), $"{s} b{batch} y");
            var dxMagnitude = ConvReference.BackwardInput(s, batch, ToDouble(p.Dy), ToDouble(p.W), magnitude: true);
            WithinBound(ConvReference.BackwardInput(s, batch, ToDouble(p.Dy), ToDouble(p.W)), dx,
                WinogradBound(ConvWinograd.BackwardInputShape(s), batch, p.Dy, (ci, o, t) => p.W[(o * s.InChannels + ci) * 9 + 8 - t], dxMagnitude), $"{s} b{batch} dx");
            var (expectedW, expectedB) = ConvReference.BackwardWeight(s, batch, ToDouble(p.X), ToDouble(p.Dy));
            var (magW, magB) = ConvReference.BackwardWeight(s, batch, ToDouble(p.X), ToDouble(p.Dy), magnitude: true);
            WithinBound(expectedW, dw, WinogradWeightBound(s, batch, p, magW), $"{s} b{batch} dW");
            WithinBound(expectedB, db, Bound(magB, batch * s.OutPlane), $"{s} b{batch} dbias");
        }, iter: Iterations(150), print: c => $"{c.Shape} batch {c.Batch}");
    }

    /// <summary>
    /// The channels-last kernel on random shapes: channels on both sides of a whole vector (1–40,
    /// so one, two or three vectors and a partial one), any kernel up to 4×4, strides 1 and 2,
    /// dilation, padding up to the kernel's reach; the forward pass with a bias and the stride-1
    /// input gradient, added into an old gradient.
    /// </summary>
    [Fact]
    public void ChannelsLastMatchesTheDefinitionOnRandomShapes()
    {
        if (!ConvChannelsLast.Supports(Shapes[1])) return; // no AVX-512: nothing takes it (the rule tests say so)
        var shapes =
            from ic in Gen.Int[1, 20]
            from oc in Gen.Int[1, 40]
            from h in Gen.Int[1, 17]
            from w in Gen.Int[1, 17]
            from k in Gen.Int[1, 4]
            from stride in Gen.Int[1, 2]
            from dilation in Gen.Int[1, 2]
            from pad in Gen.Int[0, 3]
            from batch in Gen.Int[1, 3]
            where pad <= dilation * (k - 1) && h + 2 * pad >= dilation * (k - 1) + 1 && w + 2 * pad >= dilation * (k - 1) + 1
            select (Shape: new Conv2dShape(ic, h, w, oc, k, k, stride, stride, pad, pad, dilation, dilation), Batch: batch);
        shapes.Sample(c =>
        {
            var (s, batch) = c;
            var p = Problem.Create(s, batch, (ulong)(s.InChannels * 1000 + s.OutChannels * 37 + s.InHeight * 31 + s.InWidth));
            var y = new float[batch * s.OutputSize];
            var old = Random(new SeededRandom(5), batch * s.InputSize);
            var dx = (float[])old.Clone();
            Using("ChannelsLast", () =>
            {
                Conv2d.Forward(s, batch, p.X, p.W, p.Bias, y);
                Conv2d.BackwardInput(s, batch, p.Dy, p.W, dx, accumulate: true);
                return 0;
            });
            var magnitude = ConvReference.Forward(s, batch, ToDouble(p.X), ToDouble(p.W), ToDouble(p.Bias), magnitude: true);
            WithinBound(ConvReference.Forward(s, batch, ToDouble(p.X), ToDouble(p.W), ToDouble(p.Bias)), y,
                Bound(magnitude, s.GroupWeightColumns + 1), $"{s} b{batch} y");
            var expected = ConvReference.BackwardInput(s, batch, ToDouble(p.Dy), ToDouble(p.W));
            var dxMagnitude = ConvReference.BackwardInput(s, batch, ToDouble(p.Dy), ToDouble(p.W), magnitude: true);
            var bound = Bound(dxMagnitude, s.OutChannels * s.KernelHeight * s.KernelWidth);
            WithinBound(expected.Select((e, i) => e + old[i]).ToArray(), dx,
                bound.Select((b, i) => b + 1.2e-7 * (Math.Abs(old[i]) + Math.Abs(expected[i]))).ToArray(), $"{s} b{batch} dx accumulated");
        }, iter: Iterations(150), print: c => $"{c.Shape} batch {c.Batch}");
    }

    /// <summary>
    /// Batch 64: slices of 8 samples of 144 tiles, more than ChunkTiles: chunks of 7 samples and 1,
    /// with 2×2 tiles (23×23 outputs) and with 4×4 tiles (48×48 outputs).
    /// </summary>
    [Theory]
    [InlineData(23, false)]
    [InlineData(48, true)]
    public void WinogradWeightGradientSumsASliceInChunks(int side, bool large)
    {
        var s = new Conv2dShape(2, side, side, 3, 3, 3, PadH: 1, PadW: 1);
        const int batch = 64;
        if (!ConvWinograd.Supports(s)) return; // no AVX-512: nothing takes Winograd (the rule tests say so)
        Assert.Equal(large, ConvWinograd.WeightGradientTakesLargeTiles(s, batch));
        int tiles = large ? new ConvWinograd.LargeGeometry(s).Tiles : new ConvWinograd.Geometry(s).Tiles;
        Assert.Equal(144, tiles);
        Assert.Equal(7, ConvWinograd.SamplesPerChunk(tiles, batch / Conv2d.WeightSlices));
        var p = Problem.Create(s, batch, 700);
        var dw = new float[s.WeightSize];
        var db = new float[s.OutChannels];
        Using("Winograd", () => { Conv2d.BackwardWeight(s, batch, p.X, p.Dy, dw, db, accumulate: false); return 0; });
        var (expectedW, expectedB) = ConvReference.BackwardWeight(s, batch, ToDouble(p.X), ToDouble(p.Dy));
        var (magW, magB) = ConvReference.BackwardWeight(s, batch, ToDouble(p.X), ToDouble(p.Dy), magnitude: true);
        WithinBound(expectedW, dw, WinogradWeightBound(s, batch, p, magW), $"{s} dW");
        WithinBound(expectedB, db, Bound(magB, batch * s.OutPlane), $"{s} dbias");
    }

    /// <summary>
    /// ResNet64's layers at batch 32: 16×16 and 8×8 outputs take 4×4 tiles forward and for the
    /// input gradient (groups of 32 tiles) and the weight gradient (slices of about 128 tiles, two at least).
    /// </summary>
    [Fact]
    public void WinogradTakesFourByFourTilesWhereTheyAreWholeAndEnough()
    {
        var wide = new Conv2dShape(64, 16, 16, 64, 3, 3, PadH: 1, PadW: 1);
        var deep = new Conv2dShape(128, 8, 8, 128, 3, 3, PadH: 1, PadW: 1);
        Assert.True(ConvWinograd.TakesLargeTiles(wide) && ConvWinograd.TakesLargeTiles(deep));
        Assert.True(ConvWinograd.TakesLargeTiles(ConvWinograd.BackwardInputShape(deep)));
        Assert.True(ConvWinograd.WeightGradientTakesLargeTiles(wide, 32));
        Assert.True(ConvWinograd.WeightGradientTakesLargeTiles(deep, 32));
        Assert.Equal(4, ConvWinograd.WeightSlices(wide, 32));   // 128 tiles each
        Assert.Equal(2, ConvWinograd.WeightSlices(deep, 32));   // 64 tiles each: two at least, not one of 128
        Assert.Equal(2, ConvWinograd.SamplesPerGroup(wide));    // 32 tiles a group
        Assert.Equal(8, ConvWinograd.SamplesPerGroup(deep));
        Assert.False(ConvWinograd.TakesLargeTiles(new Conv2dShape(64, 14, 14, 64, 3, 3, PadH: 1, PadW: 1)));   // 14 = 3·4 + 2
    }

    [Fact]
    public void ForcingWinogradAppliesToThreeByThreeStrideOneLayersAlone()
    {
        ConvAlgorithms.Forced = ConvAlgorithm.Winograd;
        try
        {
            // Without AVX-512 (the transforms' vector form) nothing takes Winograd.
            Assert.Equal(ConvWinograd.Supports(Shapes[1]), ConvAlgorithms.Forward(Shapes[1]) == ConvAlgorithm.Winograd);
            Assert.Equal(ConvAlgorithm.Im2ColGemm, ConvAlgorithms.Forward(Shapes[2]));            // stride 2
            Assert.NotEqual(ConvAlgorithm.Winograd, ConvAlgorithms.Forward(Shapes[4]));           // groups
            Assert.Equal(ConvWinograd.Supports(Shapes[1]), ConvAlgorithms.BackwardInput(Shapes[1]) == ConvAlgorithm.Winograd);
            Assert.NotEqual(ConvAlgorithm.Winograd, ConvAlgorithms.BackwardInput(Shapes[10]));    // 1×1
            Assert.Equal(ConvWinograd.Supports(Shapes[1]), ConvAlgorithms.BackwardWeight(Shapes[1]) == ConvAlgorithm.Winograd);
        }
        finally
        {
            ConvAlgorithms.Forced = null;
        }
    }

    private readonly record struct ForwardCall(Conv2dShape Shape, int Batch, Problem P, float[] Y) : IWithActivation
    {
        public void Run<TAct>(TAct activation) where TAct : struct, IActivation<TAct> => Conv2d.Forward(Shape, Batch, P.X, P.W, P.Bias, Y, activation);
    }
}
