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
/// <see cref="ConvAlgorithms"/> takes this path for wide layers only. Samples are taken in groups
/// of at least <see cref="TargetTiles"/> tiles so that the products are wide enough; groups run in
/// parallel and every value is computed in one fixed order, so results do not depend on the
/// thread count.
/// </summary>
/// <remarks>
/// Rounding: the transforms add and subtract up to four values and halve (exactly), so an output
/// differs from the direct sum by a few more units in the last place of the terms' magnitude
/// than a direct sum does; Conv2dTests bounds it. The input gradient is this forward pass over dy
/// with the kernel transposed and turned by 180° (<see cref="BackwardInputShape"/>); the weight
/// gradient is F(3×3, 2×2) (ConvWinograd.WeightGradient.cs).
/// </remarks>
internal static unsafe partial class ConvWinograd
{
    /// <summary>Transformed positions per tile: 4×4.</summary>
    public const int Positions = 16;
    /// <summary>Tiles a group of samples should reach (the products' width).</summary>
    public const int TargetTiles = 64;

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

        public int Groups(int batch) => (batch + SamplesPerGroup - 1) / SamplesPerGroup;

        /// <summary>Floats of one thread's plane scratch: the padded plane, then four transformed rows per tile row of a vector.</summary>
        public int PlaneFloats => PaddedH * PaddedW + RowsPerVector * 4 * PaddedW;

        /// <summary>Floats of one thread's V and M (C and O channels, 16 positions each).</summary>
        public int TransformedFloats(in Conv2dShape s) => Positions * (PositionStride(s.InChannels, s) + PositionStride(s.OutChannels, s));

        /// <summary>Tile columns of V and M: the group's tiles in whole 32-tile blocks.</summary>
        public int Columns => ConvDirect.RoundUp(SamplesPerGroup * Tiles, 32);

        /// <summary>
        /// Floats from one position ξ of V (channels = C) or M (channels = O) to the next: the
        /// matrix and one cache line more, so that the 16 positions of a tile, which the transforms
        /// read or write together, do not all fall in the same L1 set (C·N is often a multiple of
        /// 4 KiB: 16 streams on one set of a 12-way cache made the input transform 3× slower).
        /// </summary>
        public int PositionStride(int channels, in Conv2dShape s) => channels * Columns + 16;
    }

    /// <summary>Floats of <see cref="PrepareForward"/>'s layout: U[ξ, o, c].</summary>
    public static int PreparedForwardSize(in Conv2dShape s) => Positions * s.OutChannels * s.InChannels;

    /// <summary>
    /// U[ξ, o, c] = (G·g·Gᵀ)[ξ] for the 3×3 kernel g = W[o, c]: row ξ/4 of G·g, then column ξ%4 of
    /// that times Gᵀ. Sixteen (o, c) pairs to a vector.
    /// </summary>
    public static void PrepareForward(in Conv2dShape s, ReadOnlySpan<float> weight, Span<float> prepared) =>
        Prepare(s.OutChannels, s.InChannels, weight, prepared, flipped: false);

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
        Prepare(s.InChannels, s.OutChannels, weight, prepared, flipped: true);

    /// <summary>
    /// U[ξ, r, k] for rows × cols kernel pairs; the kernel of pair (r, k) is W[r, k] or, when
    /// <paramref name="flipped"/>, W[k, r] turned by 180° (its 9 taps in reverse order).
    /// </summary>
    private static void Prepare(int rows, int cols, ReadOnlySpan<float> weight, Span<float> prepared, bool flipped)
    {
        int pairs = rows * cols;
        var half = Vector512.Create(0.5f);
        var transposed = stackalloc float[9 * 16];
        var g = stackalloc Vector512<float>[9];
        var gg = stackalloc Vector512<float>[12];
        fixed (float* w = weight, u = prepared)
            for (int p = 0; p < pairs; p += 16)
            {
                int lanes = Math.Min(16, pairs - p);
                var mask = ConvDirect.FirstLanes(lanes);
                // The 16 kernels' taps, tap-major (lanes past the last pair keep old values; nothing stores them).
                for (int lane = 0; lane < lanes; lane++)
                {
                    int r = (p + lane) / cols, k = (p + lane) % cols;
                    float* kernel = w + (nint)(flipped ? k * rows + r : r * cols + k) * 9;
                    for (int t = 0; t < 9; t++)
                        transposed[t * 16 + lane] = kernel[flipped ? 8 - t : t];
                }
                for (int t = 0; t < 9; t++) g[t] = Vector512.Load(transposed + t * 16);
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
                float* to = u + p;
                for (int r = 0; r < 4; r++)
                {
                    Vector512<float> r0 = gg[3 * r], r1 = gg[3 * r + 1], r2 = gg[3 * r + 2];
                    Avx512F.MaskStore(to + (nint)(4 * r + 0) * pairs, mask, r0);
                    Avx512F.MaskStore(to + (nint)(4 * r + 1) * pairs, mask, (r0 + r1 + r2) * half);
                    Avx512F.MaskStore(to + (nint)(4 * r + 2) * pairs, mask, (r0 - r1 + r2) * half);
                    Avx512F.MaskStore(to + (nint)(4 * r + 3) * pairs, mask, r2);
                }
            }
    }

    /// <summary>
    /// Samples [first, first + count) of y (+)= f(W ⋆ x + bias); <paramref name="prepared"/> from
    /// <see cref="PrepareForward"/> (or, for an input gradient, <see cref="PrepareBackwardInput"/>
    /// with <see cref="BackwardInputShape"/> as <paramref name="s"/>).
    /// </summary>
    public static void ForwardGroup<TAct>(in Conv2dShape s, int first, int count, float* x, float* prepared, float* bias, float* y,
        TAct activation, bool accumulate) where TAct : struct, IActivation<TAct>
    {
        var geo = new Geometry(in s);
        int ic = s.InChannels, oc = s.OutChannels, n = geo.Columns;
        int vStride = geo.PositionStride(ic, in s), mStride = geo.PositionStride(oc, in s);
        var ws = KernelWorkspace.ForCurrentThread();
        fixed (float* plane = ws.Padded(geo.PlaneFloats), v = ws.Columns(geo.TransformedFloats(in s)))
        {
            float* m = v + (nint)Positions * vStride;
            new Span<float>(plane, geo.PaddedH * geo.PaddedW).Clear();
            for (int b = 0; b < count; b++)
                for (int c = 0; c < ic; c++)
                    TransformInput(in s, in geo, x + ((nint)(first + b) * ic + c) * s.InPlane, plane, v + (nint)c * n + b * geo.Tiles, vStride);
            for (int xi = 0; xi < Positions; xi++)
                MultiplyPosition(prepared + (nint)xi * oc * ic, v + (nint)xi * vStride, m + (nint)xi * mStride, oc, ic, ConvDirect.RoundUp(count * geo.Tiles, 32), n);
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

    /// <summary>
    /// V[ξ, tiles of this plane] for one input plane: the plane copied into the zero-padded
    /// buffer, then per tile row the column transform Bᵀ·d over four padded rows (whole rows,
    /// 16 columns to a vector) and the row transform ·B over 16 tiles at a time (even and odd
    /// columns separated by a permute). <paramref name="positionStride"/> is V's stride from one ξ to the next.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInput(in Conv2dShape s, in Geometry geo, float* source, float* padded, float* v, int positionStride)
    {
        int pw = geo.PaddedW, tilesW = geo.TilesW;
        float* origin = padded + s.PadH * pw + s.PadW;
        for (int h = 0; h < s.InHeight; h++)
            ConvDirect.CopyRow(source + h * s.InWidth, origin + h * pw, s.InWidth);
        float* rows = padded + geo.PaddedH * pw;
        var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odds = evens + Vector512<int>.One;
        if (geo.RowsPerVector > 1)
        {
            TransformInputPacked(in geo, padded, rows, v, positionStride, evens, odds);
            return;
        }
        for (int ty = 0; ty < geo.TilesH; ty++)
        {
            ColumnTransform(padded + 2 * ty * pw, rows, pw);
            for (int tx = 0; tx < tilesW; tx += 16)
            {
                int count = Math.Min(16, tilesW - tx), read = 2 * count;  // columns from 2tx (and from 2tx + 2)
                Vector512<float> lanes = ConvDirect.FirstLanes(count), first = ConvDirect.FirstLanes(read), second = ConvDirect.FirstLanes(read - 16);
                float* to = v + ty * tilesW + tx;
                for (int i = 0; i < 4; i++)
                {
                    float* r = rows + i * pw + 2 * tx;
                    var a = Avx512F.MaskLoad(r, first, Vector512<float>.Zero);
                    var b = Avx512F.MaskLoad(r + 16, second, Vector512<float>.Zero);
                    var a2 = Avx512F.MaskLoad(r + 2, first, Vector512<float>.Zero);
                    var b2 = Avx512F.MaskLoad(r + 18, second, Vector512<float>.Zero);
                    RowTransform(to + (nint)4 * i * positionStride, positionStride, lanes, a, b, a2, b2, evens, odds);
                }
            }
        }
    }

    /// <summary>
    /// Tile rows of 4 or 8 tiles, 16 tiles (2 or 4 tile rows) to a vector: the column transform of
    /// each tile row, then each vector's 32 columns taken from the tile rows' transformed rows side
    /// by side (two 16-float or four 8-float pieces), so that every lane computes a tile.
    /// </summary>
    private static void TransformInputPacked(in Geometry geo, float* padded, float* rows, float* v, int positionStride,
        Vector512<int> evens, Vector512<int> odds)
    {
        int pw = geo.PaddedW, tilesW = geo.TilesW, k = geo.RowsPerVector;
        for (int ty0 = 0; ty0 < geo.TilesH; ty0 += k)
        {
            int here = Math.Min(k, geo.TilesH - ty0);
            for (int r = 0; r < here; r++) ColumnTransform(padded + 2 * (ty0 + r) * pw, rows + r * 4 * pw, pw);
            var lanes = ConvDirect.FirstLanes(here * tilesW);   // lanes past the last tile row read stale rows; nothing stores them
            float* to = v + ty0 * tilesW;
            for (int i = 0; i < 4; i++)
            {
                float* r = rows + i * pw;
                Vector512<float> a, b, a2, b2;
                if (tilesW == 8)
                {
                    a = Vector512.Load(r); b = Vector512.Load(r + 4 * pw);
                    a2 = Vector512.Load(r + 2); b2 = Vector512.Load(r + 4 * pw + 2);
                }
                else
                {
                    a = Vector512.Create(Vector256.Load(r), Vector256.Load(r + 4 * pw));
                    b = Vector512.Create(Vector256.Load(r + 8 * pw), Vector256.Load(r + 12 * pw));
                    a2 = Vector512.Create(Vector256.Load(r + 2), Vector256.Load(r + 4 * pw + 2));
                    b2 = Vector512.Create(Vector256.Load(r + 8 * pw + 2), Vector256.Load(r + 12 * pw + 2));
                }
                RowTransform(to + (nint)4 * i * positionStride, positionStride, lanes, a, b, a2, b2, evens, odds);
            }
        }
    }

    /// <summary>Bᵀ down the four padded rows from <paramref name="d"/>: rows (d₀ − d₂, d₁ + d₂, d₂ − d₁, d₁ − d₃), whole rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnTransform(float* d, float* rows, int pw)
    {
        for (int j = 0; j < pw; j += 16)
        {
            Vector512<float> d0 = Vector512.Load(d + j), d1 = Vector512.Load(d + pw + j),
                d2 = Vector512.Load(d + 2 * pw + j), d3 = Vector512.Load(d + 3 * pw + j);
            Vector512.Store(d0 - d2, rows + j);
            Vector512.Store(d1 + d2, rows + pw + j);
            Vector512.Store(d2 - d1, rows + 2 * pw + j);
            Vector512.Store(d1 - d3, rows + 3 * pw + j);
        }
    }

    /// <summary>
    /// ·B along a transformed row for 16 tiles: (a, b) hold each tile's columns from 2tx on, (a2,
    /// b2) from 2tx + 2; the even and odd lanes of the pair are columns 0, 1 (and 2, 3) of the
    /// tiles. Writes positions 4i..4i+3 (<paramref name="to"/> is position 4i).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowTransform(float* to, int positionStride, Vector512<float> lanes, Vector512<float> a, Vector512<float> b,
        Vector512<float> a2, Vector512<float> b2, Vector512<int> evens, Vector512<int> odds)
    {
        var c0 = Avx512F.PermuteVar16x32x2(a, evens, b);
        var c1 = Avx512F.PermuteVar16x32x2(a, odds, b);
        var c2 = Avx512F.PermuteVar16x32x2(a2, evens, b2);
        var c3 = Avx512F.PermuteVar16x32x2(a2, odds, b2);
        Avx512F.MaskStore(to, lanes, c0 - c2);
        Avx512F.MaskStore(to + positionStride, lanes, c1 + c2);
        Avx512F.MaskStore(to + 2 * (nint)positionStride, lanes, c2 - c1);
        Avx512F.MaskStore(to + 3 * (nint)positionStride, lanes, c1 - c3);
    }

    /// <summary>
    /// One output plane from M (its tiles at <paramref name="m"/>, <paramref name="positionStride"/>
    /// from one ξ to the next): per tile row, 16 tiles at a time, the row transform ·A, the column
    /// transform Aᵀ·, the two output rows interleaved from the tiles' columns, then bias and activation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformOutput<TAct>(in Conv2dShape s, in Geometry geo, float* m, int positionStride, float* y, float bias, TAct activation,
        bool accumulate)
        where TAct : struct, IActivation<TAct>
    {
        int tilesW = geo.TilesW, outW = s.OutWidth, outH = s.OutHeight, k = geo.RowsPerVector;
        var low = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        var high = low + Vector512.Create(8);
        var b = Vector512.Create(bias);
        var h0 = stackalloc Vector512<float>[4];
        var h1 = stackalloc Vector512<float>[4];
        // Rows of 4 or 8 tiles: 16 tiles (2 or 4 tile rows) to a vector, as in TransformInputPacked;
        // other widths: each tile row alone, 16 tiles at a time.
        for (int ty = 0; ty < geo.TilesH; ty += k)
            for (int tx = 0; tx < tilesW; tx += 16)
            {
                int tiles = k > 1 ? Math.Min(16, geo.Tiles - ty * tilesW) : Math.Min(16, tilesW - tx);
                var lanes = ConvDirect.FirstLanes(tiles);
                float* from = m + ty * tilesW + tx;
                for (int i = 0; i < 4; i++)
                {
                    var m0 = Avx512F.MaskLoad(from + (nint)(4 * i + 0) * positionStride, lanes, Vector512<float>.Zero);
                    var m1 = Avx512F.MaskLoad(from + (nint)(4 * i + 1) * positionStride, lanes, Vector512<float>.Zero);
                    var m2 = Avx512F.MaskLoad(from + (nint)(4 * i + 2) * positionStride, lanes, Vector512<float>.Zero);
                    var m3 = Avx512F.MaskLoad(from + (nint)(4 * i + 3) * positionStride, lanes, Vector512<float>.Zero);
                    h0[i] = m0 + m1 + m2;
                    h1[i] = m1 - m2 - m3;
                }
                Vector512<float> left0 = h0[0] + h0[1] + h0[2], right0 = h1[0] + h1[1] + h1[2];
                Vector512<float> left1 = h0[1] - h0[2] - h0[3], right1 = h1[1] - h1[2] - h1[3];
                if (k > 1)
                {
                    // 32 interleaved floats per output row parity: pieces of 2·TilesW, one per tile row.
                    WritePieces(in geo, in s, y, ty, 0, Avx512F.PermuteVar16x32x2(left0, low, right0), Avx512F.PermuteVar16x32x2(left0, high, right0), b, activation, accumulate);
                    WritePieces(in geo, in s, y, ty, 1, Avx512F.PermuteVar16x32x2(left1, low, right1), Avx512F.PermuteVar16x32x2(left1, high, right1), b, activation, accumulate);
                    continue;
                }
                int row = 2 * ty, col = 2 * tx, width = Math.Min(32, outW - col);
                WriteRow(y + row * outW + col, left0, right0, width, low, high, b, activation, accumulate);
                if (row + 1 < outH)
                    WriteRow(y + (row + 1) * outW + col, left1, right1, width, low, high, b, activation, accumulate);
            }
    }

    /// <summary>
    /// The output rows 2(ty0 + q) + parity held by 32 interleaved floats (<paramref name="first"/>,
    /// <paramref name="second"/>): piece q is lanes [q·2·TilesW, (q + 1)·2·TilesW) of the pair, each
    /// stored with a mask at its row (the pointer moved back by the piece's first lane), f(v + bias) (+)=.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WritePieces<TAct>(in Geometry geo, in Conv2dShape s, float* y, int ty0, int parity, Vector512<float> first, Vector512<float> second,
        Vector512<float> bias, TAct activation, bool accumulate) where TAct : struct, IActivation<TAct>
    {
        int piece = 2 * geo.TilesW, perVector = 16 / piece, outW = s.OutWidth, width = Math.Min(piece, outW);
        first = activation.Forward(first + bias);
        second = activation.Forward(second + bias);
        for (int q = 0; q < 2 * perVector; q++)
        {
            int ty = ty0 + q, row = 2 * ty + parity;
            if (ty >= geo.TilesH || row >= s.OutHeight) break;
            int lane = q % perVector * piece;
            var mask = Vector512.BitwiseAnd(ConvDirect.FirstLanes(lane + width), Vector512.OnesComplement(ConvDirect.FirstLanes(lane)));
            var value = q < perVector ? first : second;
            float* at = y + row * outW - lane;
            Avx512F.MaskStore(at, mask, accumulate ? Avx512F.MaskLoad(at, mask, Vector512<float>.Zero) + value : value);
        }
    }

    /// <summary>
    /// to[0..width) (+)= f(interleave(left, right) + bias): left holds the tiles' first column,
    /// right their second.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteRow<TAct>(float* to, Vector512<float> left, Vector512<float> right, int width,
        Vector512<int> low, Vector512<int> high, Vector512<float> bias, TAct activation, bool accumulate) where TAct : struct, IActivation<TAct>
    {
        Put(to, activation.Forward(Avx512F.PermuteVar16x32x2(left, low, right) + bias), Math.Min(width, 16), accumulate);
        if (width > 16) Put(to + 16, activation.Forward(Avx512F.PermuteVar16x32x2(left, high, right) + bias), width - 16, accumulate);
    }

    /// <summary>to[0..lanes) (+)= value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* to, Vector512<float> value, int lanes, bool accumulate)
    {
        if (lanes == 16)
        {
            Vector512.Store(accumulate ? Vector512.Load(to) + value : value, to);
            return;
        }
        var mask = ConvDirect.FirstLanes(lanes);
        Avx512F.MaskStore(to, mask, accumulate ? Avx512F.MaskLoad(to, mask, Vector512<float>.Zero) + value : value);
    }
}
