using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// The forward pass (and, through it, the input gradient) by Winograd's F(4×4, 3×3): each 4×4
/// block of outputs from the 6×6 input tile under it, 36 multiplies per (output, input) channel
/// pair where F(2×2, 3×3) needs 64 for the same 16 outputs and the definition 144:
/// <code>
/// U = G·g·Gᵀ      G  = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1]
/// V = Bᵀ·d·B      Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
/// M_ξ = U_ξ·V_ξ   for each of the 36 positions: the same register-blocked product as F(2×2, 3×3)
/// y = Aᵀ·M·A      Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
/// </code>
/// (Lavin and Gray's matrices, interpolation points 0, ±1, ±2 and ∞.) The products, which are most of
/// F(2×2, 3×3)'s time at 64 channels and more, fall by 1.78×, and V and M hold 2.25 floats per
/// output instead of 4.
/// </summary>
/// <remarks>
/// Layout: a lane is a tile. The group's samples are copied, one input channel at a time, into
/// zero-padded planes side by side; a column j of V (tile t of sample b) starts at a fixed offset
/// into them (its corner). Each output tile's 16 values are turned from 16 vectors (one per position
/// in the tile, a tile per lane) into one vector per tile by the channels-last kernel's 16×16
/// transpose and stored as four rows of four; the input tiles' rows are turned the other way by the same transpose. Rounding: the transforms multiply by up to 8 and add
/// up to six values, so an output's error is about ten times F(2×2, 3×3)'s (Conv2dTests bounds it
/// from the matrices' absolute values); it is the tile oneDNN and NNPACK use for the same layers.
/// Planes whose sides are not multiples of 4 stay on F(2×2, 3×3) (<see cref="TakesLargeTiles"/>).
/// </remarks>
internal static unsafe partial class ConvWinograd
{
    /// <summary>Transformed positions per large tile: 6×6.</summary>
    public const int LargePositions = 36;

    /// <summary>
    /// Tiles a group of samples should reach with 4×4 tiles: one 32-tile block of the products.
    /// Measured against 64 (<c>profile-cnn resnet64</c>, two threads, batch 32, three alternations,
    /// µs forward / input gradient): 64→64 16×16 928–1036 / 900–1056 → 772–803 / 776–854 (V and M of
    /// a group of 2 samples fit the L2 cache, and 16 groups share out evenly), 128→128 8×8
    /// 1102–1120 / 1104–1135 → 911–1142 / 896–1147 (4 groups, not 2); against 16 (half of each block
    /// idle) 1339–1443.
    /// </summary>
    public const int LargeGroupTiles = 32;

    /// <summary>
    /// Whether F(4×4, 3×3) runs this forward shape: output sides that are multiples of 4 (whole
    /// tiles: no masked rows or columns) and transformed planes within the workspace limit.
    /// </summary>
    public static bool TakesLargeTiles(in Conv2dShape s) =>
        !SmallTilesForced && s.OutHeight % 4 == 0 && s.OutWidth % 4 == 0
        && (long)LargePositions * (s.InChannels + s.OutChannels) * new LargeGeometry(in s).Columns <= MaxTransformedFloats;

    /// <summary>For measurements only (<c>profile-cnn --small-tiles</c>): F(2×2, 3×3) for every shape, process-wide.</summary>
    internal static bool SmallTilesForced;

    /// <summary>The tiling of one shape in 4×4 output tiles.</summary>
    internal readonly struct LargeGeometry
    {
        public readonly int TilesH, TilesW, Tiles, PaddedH, PaddedW, SamplesPerGroup;

        public LargeGeometry(in Conv2dShape s)
        {
            TilesH = (s.OutHeight + 3) / 4;
            TilesW = (s.OutWidth + 3) / 4;
            Tiles = TilesH * TilesW;
            // Tile (ty, tx) reads padded rows 4ty..4ty+5 and columns 4tx..4tx+5.
            PaddedH = 4 * TilesH + 2;
            PaddedW = 4 * TilesW + 2;
            SamplesPerGroup = Math.Max(1, (LargeGroupTiles + Tiles - 1) / Tiles);
        }

        public int Plane => PaddedH * PaddedW;

        /// <summary>Tile columns of V and M: the group's tiles in whole 32-tile blocks.</summary>
        public int Columns => ConvDirect.RoundUp(SamplesPerGroup * Tiles, 32);
    }

    /// <summary>Samples per part of the forward pass of <paramref name="s"/>.</summary>
    public static int SamplesPerGroup(in Conv2dShape s) => TakesLargeTiles(in s) ? new LargeGeometry(in s).SamplesPerGroup : new Geometry(in s).SamplesPerGroup;

    /// <summary>Parts of the forward pass of <paramref name="s"/> over <paramref name="batch"/> samples.</summary>
    public static int Groups(in Conv2dShape s, int batch)
    {
        int group = SamplesPerGroup(in s);
        return (batch + group - 1) / group;
    }

    /// <summary>
    /// Floats of <paramref name="count"/> samples' padded planes side by side, and after them a zero
    /// area as large as one input tile that the columns past the last tile read (their V is then 0).
    /// </summary>
    private static int PlanesFloats(in LargeGeometry geo, int count) => count * geo.Plane + 6 * geo.PaddedW;

    /// <summary>
    /// For the columns j &lt; <paramref name="columns"/> (tile t of sample b, j = b·Tiles + t): the
    /// corner of its input tile in the padded planes (past the last tile: the zero area) and of its
    /// 4×4 output block in the samples' outputs, [b, channel 0, 4ty, 4tx] (past the last tile: −1).
    /// </summary>
    private static void TileCorners(in Conv2dShape s, in LargeGeometry geo, int count, int columns, int* inputs, int* outputs)
    {
        int tiles = count * geo.Tiles;
        for (int j = 0; j < columns; j++)
        {
            int b = j / geo.Tiles, t = j % geo.Tiles, ty = t / geo.TilesW, tx = t % geo.TilesW;
            inputs[j] = j < tiles ? b * geo.Plane + 4 * ty * geo.PaddedW + 4 * tx : count * geo.Plane;
            outputs[j] = j < tiles ? b * s.OutputSize + 4 * ty * s.OutWidth + 4 * tx : -1;
        }
    }

    /// <summary>
    /// V for <paramref name="count"/> samples from <paramref name="x"/> (the first's channel 0):
    /// channel by channel, the samples' planes copied into the padded planes, then
    /// <paramref name="columns"/> columns transformed 16 at a time into V[ξ, c, ·] (rows
    /// <paramref name="n"/> apart, positions <paramref name="positionStride"/>).
    /// </summary>
    private static void TransformInputsLarge(in Conv2dShape s, in LargeGeometry geo, float* x, int count, int columns, float* planes, int* corners,
        float* v, int n, int positionStride)
    {
        new Span<float>(planes, PlanesFloats(in geo, count)).Clear();
        for (int c = 0; c < s.InChannels; c++)
        {
            CopyPlanes(in s, in geo, x + (nint)c * s.InPlane, s.InChannels, count, planes);
            for (int j = 0; j < columns; j += 16)
                TransformInputLarge(planes, geo.PaddedW, corners + j, v + (nint)c * n + j, positionStride);
        }
    }

    /// <summary>Input channel c of <paramref name="count"/> samples (from <paramref name="x"/>, channel c of the first; samples C planes apart) into their padded planes.</summary>
    private static void CopyPlanes(in Conv2dShape s, in LargeGeometry geo, float* x, int channels, int count, float* planes)
    {
        for (int b = 0; b < count; b++)
        {
            float* from = x + (nint)b * channels * s.InPlane, to = planes + (nint)b * geo.Plane + s.PadH * geo.PaddedW + s.PadW;
            for (int h = 0; h < s.InHeight; h++)
                ConvDirect.CopyRow(from + h * s.InWidth, to + h * geo.PaddedW, s.InWidth);
        }
    }

    /// <summary>
    /// U[ξ] = (G·g·Gᵀ)[ξ] for 16 kernels at once (<paramref name="g"/>: their 9 taps, tap-major),
    /// stored at <paramref name="u"/> + ξ·<paramref name="stride"/> in the lanes of <paramref name="mask"/>.
    /// </summary>
    [SkipLocalsInit]   // the stack buffers are written before they are read
    private static void TransformKernelsLarge(Vector512<float>* g, float* u, nint stride, Vector512<float> mask)
    {
        var gg = stackalloc Vector512<float>[18];
        // G·g, column by column of g (g[3r + c] is row r, column c).
        for (int c = 0; c < 3; c++)
            GTimes(g[c], g[3 + c], g[6 + c], out gg[c], out gg[3 + c], out gg[6 + c], out gg[9 + c], out gg[12 + c], out gg[15 + c]);
        // (G·g)·Gᵀ, row by row.
        for (int row = 0; row < 6; row++)
        {
            GTimes(gg[3 * row], gg[3 * row + 1], gg[3 * row + 2], out var r0, out var r1, out var r2, out var r3, out var r4, out var r5);
            float* to = u + 6 * row * stride;
            Avx512F.MaskStore(to, mask, r0);
            Avx512F.MaskStore(to + stride, mask, r1);
            Avx512F.MaskStore(to + 2 * stride, mask, r2);
            Avx512F.MaskStore(to + 3 * stride, mask, r3);
            Avx512F.MaskStore(to + 4 * stride, mask, r4);
            Avx512F.MaskStore(to + 5 * stride, mask, r5);
        }
    }

    /// <summary>G applied to three values: (g₀/4, −(g₀ + g₁ + g₂)/6, −(g₀ − g₁ + g₂)/6, (g₀/4 + g₁/2 + g₂)/6, (g₀/4 − g₁/2 + g₂)/6, g₂), the sixths as products with 1/6.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GTimes(Vector512<float> g0, Vector512<float> g1, Vector512<float> g2,
        out Vector512<float> r0, out Vector512<float> r1, out Vector512<float> r2, out Vector512<float> r3, out Vector512<float> r4, out Vector512<float> r5)
    {
        // Times 1/6 rounded (a division per value cost more than the rest of the transform).
        Vector512<float> sixth = Vector512.Create(1f / 6f), outer = g0 + g2, quarter = g0 * Vector512.Create(0.25f), half = g1 * Vector512.Create(0.5f);
        r0 = quarter;
        r1 = -(outer + g1) * sixth;
        r2 = -(outer - g1) * sixth;
        r3 = (quarter + g2 + half) * sixth;
        r4 = (quarter + g2 - half) * sixth;
        r5 = g2;
    }

    /// <summary>Samples [first, first + count) of y (+)= f(W ⋆ x + bias) by F(4×4, 3×3); <paramref name="prepared"/> holds U for 36 positions.</summary>
    private static void ForwardGroupLarge<TAct>(in Conv2dShape s, int first, int count, float* x, float* prepared, float* bias, float* y,
        TAct activation, bool accumulate) where TAct : struct, IActivation<TAct>
    {
        var geo = new LargeGeometry(in s);
        int ic = s.InChannels, oc = s.OutChannels, n = geo.Columns, tiles = count * geo.Tiles, width = ConvDirect.RoundUp(tiles, 32);
        int vStride = Geometry.PositionStride(ic, n), mStride = Geometry.PositionStride(oc, n);
        var ws = KernelWorkspace.ForCurrentThread();
        fixed (float* planes = ws.Padded(PlanesFloats(in geo, count)), v = ws.Columns(LargePositions * (vStride + mStride)))
        fixed (int* offsets = ws.TileOffsets(2 * width))
        {
            float* m = v + (nint)LargePositions * vStride;
            int* outputs = offsets + width;
            TileCorners(in s, in geo, count, width, offsets, outputs);
            TransformInputsLarge(in s, in geo, x + (nint)first * s.InputSize, count, width, planes, offsets, v, n, vStride);
            for (int xi = 0; xi < LargePositions; xi++)
                MultiplyPosition(prepared + (nint)xi * Geometry.PositionStride(oc, ic), v + (nint)xi * vStride, m + (nint)xi * mStride, oc, ic, width, n);
            float* yFirst = y + (nint)first * s.OutputSize;
            for (int o = 0; o < oc; o++)
                for (int j = 0; j < tiles; j += 16)
                    TransformOutputLarge(in s, m + (nint)o * n + j, mStride, outputs + j, Math.Min(16, tiles - j),
                        yFirst + (nint)o * s.OutPlane, bias == null ? 0f : bias[o], activation, accumulate);
        }
    }

    /// <summary>
    /// V[ξ, lanes] = (Bᵀ·d·B)[ξ] for 16 tiles, d the 6×6 input tile whose corner is
    /// <paramref name="corners"/>[lane] into <paramref name="planes"/>: 18 gathers of column pairs
    /// (<see cref="GatherPair"/>; reading each tile's rows and turning them with three 16×16
    /// transposes took 1.15× as long as 36 float gathers), Bᵀ down the columns, then along the rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    internal static void TransformInputLarge(float* planes, int pw, int* corners, float* v, int positionStride)
    {
        Vector128<int> c0 = Vector128.Load(corners), c1 = Vector128.Load(corners + 4), c2 = Vector128.Load(corners + 8), c3 = Vector128.Load(corners + 12);
        // d[8u + q] = row u, column q of the 16 tiles: columns q and q + 1 together.
        var d = stackalloc Vector512<float>[48];
        for (int u = 0; u < 6; u++)
            for (int q = 0; q < 6; q += 2)
                GatherPair(planes + u * pw + q, c0, c1, c2, c3, out d[8 * u + q], out d[8 * u + q + 1]);
        var t = stackalloc Vector512<float>[LargePositions];
        // Down each of the six columns: t[6p + q] = (Bᵀ·d)[p, q].
        for (int q = 0; q < 6; q++)
            BTranspose(d[q], d[8 + q], d[16 + q], d[24 + q], d[32 + q], d[40 + q],
                out t[q], out t[6 + q], out t[12 + q], out t[18 + q], out t[24 + q], out t[30 + q]);
        // Along each row: V[6p + q] = ((Bᵀ·d)·B)[p, q].
        for (int p = 0; p < 6; p++)
        {
            BTranspose(t[6 * p], t[6 * p + 1], t[6 * p + 2], t[6 * p + 3], t[6 * p + 4], t[6 * p + 5],
                out var r0, out var r1, out var r2, out var r3, out var r4, out var r5);
            float* to = v + (nint)6 * p * positionStride;
            r0.Store(to); r1.Store(to + positionStride); r2.Store(to + 2 * (nint)positionStride);
            r3.Store(to + 3 * (nint)positionStride); r4.Store(to + 4 * (nint)positionStride); r5.Store(to + 5 * (nint)positionStride);
        }
    }

    /// <summary>
    /// The floats at <paramref name="at"/> + corner and one after it, for 16 corners (four of them in
    /// each index vector): four gathers of 4 float pairs (as doubles), split into the pairs' first and
    /// second floats by two permutes: half the elements of 8-lane float gathers, which load element by element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherPair(float* at, Vector128<int> c0, Vector128<int> c1, Vector128<int> c2, Vector128<int> c3,
        out Vector512<float> first, out Vector512<float> second)
    {
        var pairs = (double*)at;
        var low = Vector512.Create(Avx2.GatherVector256(pairs, c0, 4), Avx2.GatherVector256(pairs, c1, 4)).AsSingle();
        var high = Vector512.Create(Avx2.GatherVector256(pairs, c2, 4), Avx2.GatherVector256(pairs, c3, 4)).AsSingle();
        first = Avx512F.PermuteVar16x32x2(low, ConvDirect.EvenLanes, high);
        second = Avx512F.PermuteVar16x32x2(low, ConvDirect.OddLanes, high);
    }

    /// <summary>
    /// Bᵀ applied to six values: (4d₀ − 5d₂ + d₄, (d₄ − 4d₂) ± (d₃ − 4d₁), (d₄ − d₂) ± 2(d₃ − d₁), 4d₁ − 5d₃ + d₅).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BTranspose(Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3, Vector512<float> d4, Vector512<float> d5,
        out Vector512<float> r0, out Vector512<float> r1, out Vector512<float> r2, out Vector512<float> r3, out Vector512<float> r4, out Vector512<float> r5)
    {
        Vector512<float> four = Vector512.Create(4f), minusFour = Vector512.Create(-4f), minusFive = Vector512.Create(-5f);
        var a = Vector512.FusedMultiplyAdd(minusFour, d2, d4);
        var b = Vector512.FusedMultiplyAdd(minusFour, d1, d3);
        var c = d4 - d2;
        var d = (d3 - d1) * Vector512.Create(2f);
        r0 = Vector512.FusedMultiplyAdd(four, d0, Vector512.FusedMultiplyAdd(minusFive, d2, d4));
        r1 = a + b;
        r2 = a - b;
        r3 = c + d;
        r4 = c - d;
        r5 = Vector512.FusedMultiplyAdd(four, d1, Vector512.FusedMultiplyAdd(minusFive, d3, d5));
    }

    /// <summary>
    /// Aᵀ applied to six values: (m₀ + (m₁ + m₂) + (m₃ + m₄), (m₁ − m₂) + 2(m₃ − m₄), (m₁ + m₂) + 4(m₃ + m₄), (m₁ − m₂) + 8(m₃ − m₄) + m₅).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ATranspose(Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3, Vector512<float> m4, Vector512<float> m5,
        out Vector512<float> o0, out Vector512<float> o1, out Vector512<float> o2, out Vector512<float> o3)
    {
        Vector512<float> sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4;
        o0 = m0 + sum12 + sum34;
        o1 = Vector512.FusedMultiplyAdd(Vector512.Create(2f), diff34, diff12);
        o2 = Vector512.FusedMultiplyAdd(Vector512.Create(4f), sum34, sum12);
        o3 = Vector512.FusedMultiplyAdd(Vector512.Create(8f), diff34, diff12) + m5;
    }

    /// <summary>
    /// Up to 16 output tiles of one channel from M (tile per lane, <paramref name="positionStride"/>
    /// from one ξ to the next): Aᵀ down the columns, then along the rows, bias and activation, the
    /// 16×16 transpose that makes each tile one vector, and its four rows of four stored (or added)
    /// at <paramref name="y"/> + <paramref name="corners"/>[lane].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    internal static void TransformOutputLarge<TAct>(in Conv2dShape s, float* m, int positionStride, int* corners, int tiles, float* y, float bias,
        TAct activation, bool accumulate) where TAct : struct, IActivation<TAct>
    {
        var t = stackalloc Vector512<float>[24];
        // Down each of the six columns: t[6i + q] = (Aᵀ·M)[i, q].
        for (int q = 0; q < 6; q++)
        {
            float* column = m + (nint)q * positionStride;
            ATranspose(Vector512.Load(column), Vector512.Load(column + 6 * (nint)positionStride), Vector512.Load(column + 12 * (nint)positionStride),
                Vector512.Load(column + 18 * (nint)positionStride), Vector512.Load(column + 24 * (nint)positionStride), Vector512.Load(column + 30 * (nint)positionStride),
                out t[q], out t[6 + q], out t[12 + q], out t[18 + q]);
        }
        var b = Vector512.Create(bias);
        // Along each row: (Aᵀ·M·A)[i, j] (+ bias, activation).
        ATranspose(t[0], t[1], t[2], t[3], t[4], t[5], out var r0, out var r1, out var r2, out var r3);
        ATranspose(t[6], t[7], t[8], t[9], t[10], t[11], out var r4, out var r5, out var r6, out var r7);
        ATranspose(t[12], t[13], t[14], t[15], t[16], t[17], out var r8, out var r9, out var r10, out var r11);
        ATranspose(t[18], t[19], t[20], t[21], t[22], t[23], out var r12, out var r13, out var r14, out var r15);
        StoreTiles(y, corners, tiles, s.OutWidth, accumulate,
            activation.Forward(r0 + b), activation.Forward(r1 + b), activation.Forward(r2 + b), activation.Forward(r3 + b),
            activation.Forward(r4 + b), activation.Forward(r5 + b), activation.Forward(r6 + b), activation.Forward(r7 + b),
            activation.Forward(r8 + b), activation.Forward(r9 + b), activation.Forward(r10 + b), activation.Forward(r11 + b),
            activation.Forward(r12 + b), activation.Forward(r13 + b), activation.Forward(r14 + b), activation.Forward(r15 + b));
    }

    /// <summary>
    /// a_k holds position k = 4i + j of 16 tiles (a tile per lane): the 16×16 transpose makes a_l
    /// tile l's 16 values, stored as four rows of four at <paramref name="y"/> + <paramref name="corners"/>[l].
    /// A call of its own, the vectors passed by value, as in <see cref="ConvChannelsLast"/>'s Finish (in memory the transpose took longer).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StoreTiles(float* y, int* corners, int tiles, int ow, bool accumulate,
        Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7,
        Vector512<float> a8, Vector512<float> a9, Vector512<float> a10, Vector512<float> a11,
        Vector512<float> a12, Vector512<float> a13, Vector512<float> a14, Vector512<float> a15)
    {
        ConvChannelsLast.Swap(8, ref a0, ref a8); ConvChannelsLast.Swap(8, ref a1, ref a9); ConvChannelsLast.Swap(8, ref a2, ref a10); ConvChannelsLast.Swap(8, ref a3, ref a11);
        ConvChannelsLast.Swap(8, ref a4, ref a12); ConvChannelsLast.Swap(8, ref a5, ref a13); ConvChannelsLast.Swap(8, ref a6, ref a14); ConvChannelsLast.Swap(8, ref a7, ref a15);
        ConvChannelsLast.Swap(4, ref a0, ref a4); ConvChannelsLast.Swap(4, ref a1, ref a5); ConvChannelsLast.Swap(4, ref a2, ref a6); ConvChannelsLast.Swap(4, ref a3, ref a7);
        ConvChannelsLast.Swap(4, ref a8, ref a12); ConvChannelsLast.Swap(4, ref a9, ref a13); ConvChannelsLast.Swap(4, ref a10, ref a14); ConvChannelsLast.Swap(4, ref a11, ref a15);
        ConvChannelsLast.Swap(2, ref a0, ref a2); ConvChannelsLast.Swap(2, ref a1, ref a3); ConvChannelsLast.Swap(2, ref a4, ref a6); ConvChannelsLast.Swap(2, ref a5, ref a7);
        ConvChannelsLast.Swap(2, ref a8, ref a10); ConvChannelsLast.Swap(2, ref a9, ref a11); ConvChannelsLast.Swap(2, ref a12, ref a14); ConvChannelsLast.Swap(2, ref a13, ref a15);
        ConvChannelsLast.Swap(1, ref a0, ref a1); ConvChannelsLast.Swap(1, ref a2, ref a3); ConvChannelsLast.Swap(1, ref a4, ref a5); ConvChannelsLast.Swap(1, ref a6, ref a7);
        ConvChannelsLast.Swap(1, ref a8, ref a9); ConvChannelsLast.Swap(1, ref a10, ref a11); ConvChannelsLast.Swap(1, ref a12, ref a13); ConvChannelsLast.Swap(1, ref a14, ref a15);
        if (tiles == 16)
        {
            PutTile(y + corners[0], ow, a0, accumulate); PutTile(y + corners[1], ow, a1, accumulate);
            PutTile(y + corners[2], ow, a2, accumulate); PutTile(y + corners[3], ow, a3, accumulate);
            PutTile(y + corners[4], ow, a4, accumulate); PutTile(y + corners[5], ow, a5, accumulate);
            PutTile(y + corners[6], ow, a6, accumulate); PutTile(y + corners[7], ow, a7, accumulate);
            PutTile(y + corners[8], ow, a8, accumulate); PutTile(y + corners[9], ow, a9, accumulate);
            PutTile(y + corners[10], ow, a10, accumulate); PutTile(y + corners[11], ow, a11, accumulate);
            PutTile(y + corners[12], ow, a12, accumulate); PutTile(y + corners[13], ow, a13, accumulate);
            PutTile(y + corners[14], ow, a14, accumulate); PutTile(y + corners[15], ow, a15, accumulate);
            return;
        }
        // The group's last block: its first `tiles` lanes.
        var rest = stackalloc Vector512<float>[16];
        rest[0] = a0; rest[1] = a1; rest[2] = a2; rest[3] = a3; rest[4] = a4; rest[5] = a5; rest[6] = a6; rest[7] = a7;
        rest[8] = a8; rest[9] = a9; rest[10] = a10; rest[11] = a11; rest[12] = a12; rest[13] = a13; rest[14] = a14; rest[15] = a15;
        for (int lane = 0; lane < tiles; lane++) PutTile(y + corners[lane], ow, rest[lane], accumulate);
    }

    /// <summary>One tile's 16 values (row-major) as four rows of four, written or added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutTile(float* at, int ow, Vector512<float> tile, bool accumulate)
    {
        PutRow(at, tile.GetLower().GetLower(), accumulate);
        PutRow(at + ow, tile.GetLower().GetUpper(), accumulate);
        PutRow(at + 2 * ow, tile.GetUpper().GetLower(), accumulate);
        PutRow(at + 3 * ow, tile.GetUpper().GetUpper(), accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutRow(float* at, Vector128<float> row, bool accumulate) =>
        (accumulate ? Vector128.Load(at) + row : row).Store(at);
}
