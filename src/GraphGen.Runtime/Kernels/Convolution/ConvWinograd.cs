using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// The forward pass (and, through it, the input gradient) of a 3×3, stride-1 convolution by
/// Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional
/// Neural Networks", 2016). Each 2×2 block
/// of outputs is computed from the 4×4 input tile under it with 16 multiplies per (output, input)
/// channel pair instead of 36:
/// <code>
/// U = G·g·Gᵀ       the 3×3 kernel g of (o, c) as a 4×4 tile, once per call     G  = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
/// V = Bᵀ·d·B       the 4×4 input tile d of channel c (rows 2ty−ph.., cols 2tx−pw..)  Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
/// M_ξ = U_ξ·V_ξ    for each of the 16 positions ξ of the tile: one product [O × C]·[C × tiles]
/// y = Aᵀ·M·A       the 2×2 outputs of the tile (then bias and activation)       Aᵀ = [1 1 1 0; 0 1 −1 −1]
/// </code>
/// The 16 products do 2·O·C·16 FLOPs per tile where the definition does 2·O·C·9·4: 2.25× fewer, in
/// register blocks near the FMA rate. The transforms are separable (rows, then columns) and run 16
/// tiles to a vector (from one tile row, or from 2 or 4 rows of 8 or 4 tiles); at 64–128 channels they take about 40% of the time, and with
/// fewer channels or short tile rows more than the products save, which is why
/// <see cref="ConvAlgorithms"/> takes this path for wide layers only. Where the output's sides are
/// multiples of 4 the forward pass runs F(4×4, 3×3) instead (ConvWinograd.LargeTiles.cs: 36 products
/// per 16 outputs, 1.78× fewer). Samples are taken in groups
/// of at least <see cref="TargetTiles"/> tiles so that the products are wide enough; groups run in
/// parallel and every value is computed in one fixed order, so results do not depend on the
/// thread count.
/// </summary>
/// <remarks>
/// Rounding: the transforms add and subtract up to four values and halve (exactly), so an output
/// differs from the direct sum by a few more units in the last place of the terms' magnitude
/// than a direct sum does; Conv2dTests bounds it. The input gradient is this forward pass over dy
/// with the kernel transposed and turned by 180° (<see cref="BackwardInputShape"/>); the weight
/// gradient is F(3×3, 2×2) (ConvWinograd.WeightGradient.cs). Non-finite inputs: the transforms
/// add and subtract transformed values, so an infinite input can make NaN (∞ − ∞) in the outputs of its
/// tiles where the definition gives ±∞; both are non-finite, which is what a diverging run's checks
/// look for.
/// </remarks>
internal static unsafe partial class ConvWinograd
{
    /// <summary>Transformed positions per tile: 4×4.</summary>
    public const int Positions = 16;
    /// <summary>Tiles a group of samples should reach (the products' width).</summary>
    public const int TargetTiles = 64;

    /// <summary>
    /// Whether one sample's transformed planes (16 positions × (C + O) channels × its tiles) stay
    /// within <see cref="MaxTransformedFloats"/>: the rule does not take Winograd for larger planes
    /// (a 64-channel 224×224 layer would need 100 MB of scratch per thread).
    /// </summary>
    public static bool FitsWorkspace(in Conv2dShape s) =>
        (long)Positions * (s.InChannels + s.OutChannels) * new Geometry(in s).Tiles <= MaxTransformedFloats;

    /// <summary>16 MiB of floats.</summary>
    public const long MaxTransformedFloats = 1L << 22;

    /// <summary>3×3, stride 1, no dilation, one group, AVX-512 (the transforms' vector form).</summary>
    public static bool Supports(in Conv2dShape s) =>
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated
        && s.KernelHeight == 3 && s.KernelWidth == 3 && s.StrideH == 1 && s.StrideW == 1
        && s.DilationH == 1 && s.DilationW == 1 && s.Groups == 1;

    /// <summary>The tiling of one shape.</summary>
    internal readonly struct Geometry
    {
        public readonly int TilesH, TilesW, Tiles, PaddedH, PaddedW, SamplesPerGroup;
        /// <summary>
        /// Tile rows one vector of 16 tiles covers: 16/TilesW for rows of 4 or 8 tiles (8×8 and
        /// 16×16 outputs, whose tile rows alone would fill a quarter or a half of the lanes), else 1.
        /// </summary>
        public readonly int RowsPerVector;

        public Geometry(in Conv2dShape s)
        {
            TilesH = (s.OutHeight + 1) / 2;
            TilesW = (s.OutWidth + 1) / 2;
            Tiles = TilesH * TilesW;
            // Tile row ty reads padded rows 2ty..2ty+3 and columns 0..2·TilesW+1; the width is a
            // whole number of vectors.
            PaddedH = 2 * TilesH + 2;
            PaddedW = ConvDirect.RoundUp(2 * TilesW + 2, 16);
            SamplesPerGroup = Math.Max(1, (TargetTiles + Tiles - 1) / Tiles);
            RowsPerVector = TilesW is 4 or 8 ? 16 / TilesW : 1;
        }

        /// <summary>Floats of one thread's plane scratch: the padded plane, then four transformed rows per tile row of a vector.</summary>
        public int PlaneFloats => PaddedH * PaddedW + RowsPerVector * 4 * PaddedW;

        /// <summary>Floats of one thread's V and M (C and O channels, 16 positions each).</summary>
        public int TransformedFloats(in Conv2dShape s) => Positions * (PositionStride(s.InChannels, Columns) + PositionStride(s.OutChannels, Columns));

        /// <summary>Tile columns of V and M: the group's tiles in whole 32-tile blocks.</summary>
        public int Columns => ConvDirect.RoundUp(SamplesPerGroup * Tiles, 32);

        /// <summary>
        /// Floats from one position ξ of V (channels = C) or M (channels = O) to the next: the
        /// matrix and one cache line more, so that the 16 positions of a tile, which the transforms
        /// read or write together, do not all fall in the same L1 set (C·N is often a multiple of
        /// 4 KiB: 16 streams on one set of a 12-way cache made the input transform 3× slower).
        /// </summary>
        public static int PositionStride(int channels, int columns) => channels * columns + 16;
    }

    /// <summary>
    /// Floats of <see cref="PrepareForward"/>'s layout: U[ξ, o, c], positions <see cref="Geometry.PositionStride"/>(O, C)
    /// apart, 16 or (<see cref="TakesLargeTiles"/>) 36 of them. For an input gradient, pass <see cref="BackwardInputShape"/>.
    /// </summary>
    public static int PreparedForwardSize(in Conv2dShape s) => (TakesLargeTiles(in s) ? LargePositions : Positions) * Geometry.PositionStride(s.OutChannels, s.InChannels);

    /// <summary>
    /// U[ξ, o, c] = (G·g·Gᵀ)[ξ] for the 3×3 kernel g = W[o, c]: row ξ/4 of G·g, then column ξ%4 of
    /// that times Gᵀ. Sixteen (o, c) pairs to a vector.
    /// </summary>
    public static void PrepareForward(in Conv2dShape s, ReadOnlySpan<float> weight, Span<float> prepared) =>
        Prepare(s.OutChannels, s.InChannels, weight, prepared, flipped: false, TakesLargeTiles(in s));

    /// <summary>
    /// The input gradient as a forward pass: dx = W' ⋆ dy with W'[c, o, u, v] = W[o, c, 2 − u, 2 − v]
    /// (the kernel transposed and turned by 180°) and padding 2 − p, over dy's planes.
    /// </summary>
    public static Conv2dShape BackwardInputShape(in Conv2dShape s) =>
        new(s.OutChannels, s.OutHeight, s.OutWidth, s.InChannels, 3, 3, PadH: 2 - s.PadH, PadW: 2 - s.PadW);

    /// <summary>Whether the input gradient can run as <see cref="BackwardInputShape"/>'s forward pass (padding at most 2).</summary>
    public static bool SupportsBackwardInput(in Conv2dShape s) => Supports(in s) && s.PadH <= 2 && s.PadW <= 2;

    /// <summary>U'[ξ, c, o] for <see cref="BackwardInputShape"/>: the transform of W'[c, o].</summary>
    public static void PrepareBackwardInput(in Conv2dShape s, ReadOnlySpan<float> weight, Span<float> prepared) =>
        Prepare(s.InChannels, s.OutChannels, weight, prepared, flipped: true, TakesLargeTiles(BackwardInputShape(in s)));

    /// <summary>
    /// U[ξ, r, k] for rows × cols kernel pairs, positions <see cref="Geometry.PositionStride"/> apart.
    /// The kernel of pair (r, k) is W[r, k] or, when <paramref name="flipped"/>, W[k, r] turned by
    /// 180° (its 9 taps in reverse order). This runs before the pass, in parts of
    /// <see cref="PairsPerPart"/> pairs. µs per call, 128→128 forward / flipped: as it was, on the
    /// calling thread alone, 154 / 185; with the pair's indices counted on rather than divided out
    /// and the positions a cache line more apart (16 stores per block had gone to one L1 set) 121 /
    /// 141; with the taps gathered rather than transposed lane by lane (whose 16 scalar stores each
    /// vector load waited on) 58–61 / 60–64; in parts on two threads 33 / 36.
    /// </summary>
    private static void Prepare(int rows, int cols, ReadOnlySpan<float> weight, Span<float> prepared, bool flipped, bool large)
    {
        int pairs = rows * cols, parts = (pairs + PairsPerPart - 1) / PairsPerPart;
        fixed (float* w = weight, u = prepared)
        {
            var work = PrepareWork.ForCurrentThread();
            work.Set(rows, cols, w, u, flipped, large);
            WorkerPool.Run(work, parts, Math.Min(parts, Gemm.MaxThreads));   // one part below 2048 pairs: the caller alone
        }
    }

    /// <summary>Pairs per part of the weight transform (a multiple of 16): 64→64 is two parts, 128→128 eight.</summary>
    private const int PairsPerPart = 2048;

    /// <summary>Part i: pairs [i·<see cref="PairsPerPart"/>, …) of the weight transform; every U value is computed by one part, so the thread count changes nothing.</summary>
    private sealed class PrepareWork : ParallelWork
    {
        [ThreadStatic] private static PrepareWork? t_instance;
        private int _rows, _cols;
        private float* _weight, _prepared;
        private bool _flipped, _large;

        public static PrepareWork ForCurrentThread() => t_instance ??= new PrepareWork();

        public void Set(int rows, int cols, float* weight, float* prepared, bool flipped, bool large)
        {
            _rows = rows; _cols = cols; _weight = weight; _prepared = prepared; _flipped = flipped; _large = large;
        }

        public override void RunPart(int part)
        {
            int first = part * PairsPerPart, end = Math.Min(first + PairsPerPart, _rows * _cols);
            PrepareRange(_rows, _cols, _weight, _prepared, _flipped, _large, first, end);
        }
    }

    /// <summary>U for pairs [first, end) (first a multiple of 16): F(2×2, 3×3)'s 16 positions or, <paramref name="large"/>, F(4×4, 3×3)'s 36.</summary>
    private static void PrepareRange(int rows, int cols, float* w, float* u, bool flipped, bool large, int first, int end)
    {
        nint stride = Geometry.PositionStride(rows, cols);
        var transposed = stackalloc float[9 * 16];
        var g = stackalloc Vector512<float>[9];
        int r = first / cols, k = first % cols;   // the pair p + lane, counted on from block to block
        var forwardLow = Vector256<int>.Indices * 9;
        var forwardHigh = forwardLow + Vector256.Create(8 * 9);
        var flippedLow = Vector256<int>.Indices * (9 * rows);
        var flippedHigh = flippedLow + Vector256.Create(8 * 9 * rows);
        for (int p = first; p < end; p += 16)
        {
            int lanes = Math.Min(16, end - p);
            var mask = ConvDirect.FirstLanes(lanes);
            // The 16 kernels' taps, tap-major. Sixteen pairs in one row r have their kernels a fixed
            // distance apart (9 floats, or 9·rows flipped): two 8-lane gathers per tap. Otherwise
            // (a block across rows, the last block) lane by lane; lanes past the last pair keep old
            // values, which nothing stores.
            if (lanes == 16 && (!flipped || k + 16 <= cols))
            {
                float* kernels = w + (nint)(flipped ? k * rows + r : r * cols + k) * 9;
                var low = flipped ? flippedLow : forwardLow;
                var high = flipped ? flippedHigh : forwardHigh;
                for (int t = 0; t < 9; t++)
                {
                    float* tap = kernels + (flipped ? 8 - t : t);
                    g[t] = Vector512.Create(Avx2.GatherVector256(tap, low, 4), Avx2.GatherVector256(tap, high, 4));
                }
                k += 16;
                while (k >= cols) { k -= cols; r++; }
            }
            else
            {
                for (int lane = 0; lane < lanes; lane++)
                {
                    float* kernel = w + (nint)(flipped ? k * rows + r : r * cols + k) * 9;
                    if (flipped)
                        for (int t = 0; t < 9; t++) transposed[t * 16 + lane] = kernel[8 - t];
                    else
                        for (int t = 0; t < 9; t++) transposed[t * 16 + lane] = kernel[t];
                    if (++k == cols) { k = 0; r++; }
                }
                for (int t = 0; t < 9; t++) g[t] = Vector512.Load(transposed + t * 16);
            }
            if (large) TransformKernelsLarge(g, u + p, stride, mask);
            else TransformKernels(g, u + p, stride, mask);
        }
    }

    /// <summary>
    /// U[ξ] = (G·g·Gᵀ)[ξ] for 16 kernels at once (<paramref name="g"/>: their 9 taps, tap-major),
    /// stored at <paramref name="u"/> + ξ·<paramref name="stride"/> in the lanes of <paramref name="mask"/>.
    /// </summary>
    [SkipLocalsInit]   // the stack buffer is written before it is read
    private static void TransformKernels(Vector512<float>* g, float* u, nint stride, Vector512<float> mask)
    {
        var half = Vector512.Create(0.5f);
        var gg = stackalloc Vector512<float>[12];
        // G·g, column by column of g (g[3r + c] is row r, column c).
        for (int c = 0; c < 3; c++)
        {
            Vector512<float> g0 = g[c], g1 = g[3 + c], g2 = g[6 + c];
            gg[c] = g0;
            gg[3 + c] = (g0 + g1 + g2) * half;
            gg[6 + c] = (g0 - g1 + g2) * half;
            gg[9 + c] = g2;
        }
        // (G·g)·Gᵀ, row by row.
        for (int row = 0; row < 4; row++)
        {
            Vector512<float> r0 = gg[3 * row], r1 = gg[3 * row + 1], r2 = gg[3 * row + 2];
            Avx512F.MaskStore(u + (4 * row + 0) * stride, mask, r0);
            Avx512F.MaskStore(u + (4 * row + 1) * stride, mask, (r0 + r1 + r2) * half);
            Avx512F.MaskStore(u + (4 * row + 2) * stride, mask, (r0 - r1 + r2) * half);
            Avx512F.MaskStore(u + (4 * row + 3) * stride, mask, r2);
        }
    }

    /// <summary>
    /// Part <paramref name="part"/> of a pass over <paramref name="batch"/> samples: group
    /// <paramref name="part"/> of <see cref="Geometry.SamplesPerGroup"/> samples (the last may be short).
    /// </summary>
    public static void ForwardPart<TAct>(in Conv2dShape s, int part, int batch, float* x, float* prepared, float* bias, float* y,
        TAct activation, bool accumulate) where TAct : struct, IActivation<TAct>
    {
        int group = SamplesPerGroup(in s), first = part * group, count = Math.Min(group, batch - first);
        if (TakesLargeTiles(in s)) ForwardGroupLarge(in s, first, count, x, prepared, bias, y, activation, accumulate);
        else ForwardGroup(in s, first, count, x, prepared, bias, y, activation, accumulate);
    }

    /// <summary>
    /// Samples [first, first + count) of y (+)= f(W ⋆ x + bias); <paramref name="prepared"/> from
    /// <see cref="PrepareForward"/> (or, for an input gradient, <see cref="PrepareBackwardInput"/>
    /// with <see cref="BackwardInputShape"/> as <paramref name="s"/>).
    /// </summary>
    private static void ForwardGroup<TAct>(in Conv2dShape s, int first, int count, float* x, float* prepared, float* bias, float* y,
        TAct activation, bool accumulate) where TAct : struct, IActivation<TAct>
    {
        var geo = new Geometry(in s);
        int ic = s.InChannels, oc = s.OutChannels, n = geo.Columns;
        int vStride = Geometry.PositionStride(ic, n), mStride = Geometry.PositionStride(oc, n);
        var ws = KernelWorkspace.ForCurrentThread();
        fixed (float* plane = ws.Padded(geo.PlaneFloats), v = ws.Columns(geo.TransformedFloats(in s)))
        {
            float* m = v + (nint)Positions * vStride;
            new Span<float>(plane, geo.PaddedH * geo.PaddedW).Clear();
            for (int b = 0; b < count; b++)
                for (int c = 0; c < ic; c++)
                    TransformInput(in s, in geo, x + ((nint)(first + b) * ic + c) * s.InPlane, plane, v + (nint)c * n + b * geo.Tiles, vStride);
            for (int xi = 0; xi < Positions; xi++)
                MultiplyPosition(prepared + (nint)xi * Geometry.PositionStride(oc, ic), v + (nint)xi * vStride, m + (nint)xi * mStride, oc, ic, ConvDirect.RoundUp(count * geo.Tiles, 32), n);
            for (int b = 0; b < count; b++)
                for (int o = 0; o < oc; o++)
                    TransformOutput(in s, in geo, m + (nint)o * n + b * geo.Tiles, mStride,
                        y + ((nint)(first + b) * oc + o) * s.OutPlane, bias == null ? 0f : bias[o], activation, accumulate);
        }
    }

    /// <summary>
    /// M_ξ = U_ξ·V_ξ for one position ξ: [O × C]·[C × width], rows n apart, width a whole number of
    /// 32-tile blocks (the columns past the group's tiles hold whatever V held and are never read). Register
    /// blocks of 8 output channels × 32 tiles: per input channel two loads of V, eight broadcasts
    /// of U and 16 FMAs; each M value is one chain over c in order. Both operands are read where
    /// they lie: at these sizes (C, N of 16–128) a packing GEMM's call and copies cost more than
    /// the products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyPosition(float* u, float* v, float* m, int oc, int ic, int width, int n)
    {
        int o = 0;
        for (; o + 8 <= oc; o += 8)
            for (int j = 0; j < width; j += 32)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
                float* w = u + (nint)o * ic, x = v + j;
                for (int c = 0; c < ic; c++, x += n)
                {
                    Vector512<float> x0 = Vector512.Load(x), x1 = Vector512.Load(x + 16);
                    Vector512<float> w0 = Vector512.Create(w[c]), w1 = Vector512.Create(w[ic + c]);
                    a0 = Vector512.FusedMultiplyAdd(w0, x0, a0); b0 = Vector512.FusedMultiplyAdd(w0, x1, b0);
                    a1 = Vector512.FusedMultiplyAdd(w1, x0, a1); b1 = Vector512.FusedMultiplyAdd(w1, x1, b1);
                    Vector512<float> w2 = Vector512.Create(w[2 * ic + c]), w3 = Vector512.Create(w[3 * ic + c]);
                    a2 = Vector512.FusedMultiplyAdd(w2, x0, a2); b2 = Vector512.FusedMultiplyAdd(w2, x1, b2);
                    a3 = Vector512.FusedMultiplyAdd(w3, x0, a3); b3 = Vector512.FusedMultiplyAdd(w3, x1, b3);
                    Vector512<float> w4 = Vector512.Create(w[4 * ic + c]), w5 = Vector512.Create(w[5 * ic + c]);
                    a4 = Vector512.FusedMultiplyAdd(w4, x0, a4); b4 = Vector512.FusedMultiplyAdd(w4, x1, b4);
                    a5 = Vector512.FusedMultiplyAdd(w5, x0, a5); b5 = Vector512.FusedMultiplyAdd(w5, x1, b5);
                    Vector512<float> w6 = Vector512.Create(w[6 * ic + c]), w7 = Vector512.Create(w[7 * ic + c]);
                    a6 = Vector512.FusedMultiplyAdd(w6, x0, a6); b6 = Vector512.FusedMultiplyAdd(w6, x1, b6);
                    a7 = Vector512.FusedMultiplyAdd(w7, x0, a7); b7 = Vector512.FusedMultiplyAdd(w7, x1, b7);
                }
                float* y = m + (nint)o * n + j;
                a0.Store(y); b0.Store(y + 16); y += n;
                a1.Store(y); b1.Store(y + 16); y += n;
                a2.Store(y); b2.Store(y + 16); y += n;
                a3.Store(y); b3.Store(y + 16); y += n;
                a4.Store(y); b4.Store(y + 16); y += n;
                a5.Store(y); b5.Store(y + 16); y += n;
                a6.Store(y); b6.Store(y + 16); y += n;
                a7.Store(y); b7.Store(y + 16);
            }
        for (; o < oc; o++)
            for (int j = 0; j < width; j += 32)
            {
                Vector512<float> a = default, b = default;
                float* w = u + (nint)o * ic, x = v + j;
                for (int c = 0; c < ic; c++, x += n)
                {
                    var wc = Vector512.Create(w[c]);
                    a = Vector512.FusedMultiplyAdd(wc, Vector512.Load(x), a);
                    b = Vector512.FusedMultiplyAdd(wc, Vector512.Load(x + 16), b);
                }
                a.Store(m + (nint)o * n + j);
                b.Store(m + (nint)o * n + j + 16);
            }
    }
}
