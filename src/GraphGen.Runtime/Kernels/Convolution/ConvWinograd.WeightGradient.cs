using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// The weight gradient by Winograd's F(3×3, 2×2): dW[o, c] is the correlation of x_c with dy_o
/// (a 3×3 result), and cut into the 2×2 blocks of dy that the forward's tiles produce, each block
/// contributes the correlation of its 4×4 input tile with the 2×2 block:
/// <code>
/// V = Bᵀ·d·B        the 4×4 input tile, as in the forward pass
/// D = G′·δ·G′ᵀ      the 2×2 block δ of dy           G′ = [1 0; ½ ½; ½ −½; 0 −1]
/// M_ξ = Σ_tiles D_ξ·V_ξ    for each position ξ: one GEMM [O × tiles]·[tiles × C], summed over the tiles
/// dW = Aᵀ·M·A       once, after the slices' M are added   Aᵀ = [1 1 1 0; 0 1 −1 0; 0 1 1 1]
/// </code>
/// (Lavin and Gray's F(3, 2) has Bᵀ's last row d₃ − d₁ and G's last row g₁; the forward's
/// transform has d₁ − d₃, so G′'s last row is negated to match: the two signs cancel in D ⊙ V.)
/// 2.25× fewer multiplies than the definition, in GEMMs as deep as the slice has tiles.
/// </summary>
internal static unsafe partial class ConvWinograd
{
    /// <summary>The most tiles one chunk of a slice transforms at once (whole samples, at least one).</summary>
    internal const int ChunkTiles = 1024;

    /// <summary>Samples per chunk of a slice of <paramref name="samples"/> samples, <paramref name="tiles"/> tiles a sample.</summary>
    internal static int SamplesPerChunk(int tiles, int samples) => Math.Clamp(ChunkTiles / tiles, 1, Math.Max(1, samples));

    /// <summary>Floats of one slice's partial sums: M[ξ, o, c] and the bias gradient.</summary>
    public static int WeightPartialSize(in Conv2dShape s, int batch) =>
        (WeightGradientTakesLargeTiles(in s, batch) ? LargePositions : Positions) * Geometry.PositionStride(s.OutChannels, s.InChannels) + s.OutChannels;

    /// <summary>
    /// Whether the weight gradient over <paramref name="batch"/> samples runs F(3×3, 4×4): where the
    /// forward pass takes 4×4 tiles and the batch holds at least <see cref="TargetTiles"/> of them.
    /// </summary>
    public static bool WeightGradientTakesLargeTiles(in Conv2dShape s, int batch) =>
        TakesLargeTiles(in s) && (long)batch * new LargeGeometry(in s).Tiles >= TargetTiles;

    /// <summary>
    /// The fixed slices of the batch whose partial sums the weight gradient adds (a function of the
    /// shape and the batch alone): <see cref="Conv2d.WeightSlices"/> at most, and with 4×4 tiles
    /// fewer, so that each slice holds about <see cref="LargeSliceTiles"/> tiles. The GEMMs are as deep
    /// as a slice's tiles: at 128→128 8×8, batch 32, eight slices of 4 samples hold 16, and
    /// F(3×3, 4×4) over them took 1.2–1.4× F(3×3, 2×2)'s time.
    /// </summary>
    public static int WeightSlices(in Conv2dShape s, int batch)
    {
        int slices = Math.Min(batch, Conv2d.WeightSlices);
        if (!WeightGradientTakesLargeTiles(in s, batch)) return slices;
        return (int)Math.Clamp((long)batch * new LargeGeometry(in s).Tiles / LargeSliceTiles, Math.Min(2, slices), slices);
    }

    /// <summary>
    /// Tiles a slice of the weight gradient should hold with 4×4 tiles (at least two slices: one
    /// would leave the second thread idle). Measured (<c>profile-cnn resnet64</c>, two threads,
    /// batch 32, three alternations, µs): 64→64 16×16 in 8 slices of 64 tiles 1253–1276, in 4 of 128
    /// 1117–1137; 128→128 8×8 in 2 slices of 64 1077–1118, in 1 of 128 1962–2265, in 4 of 32 1338–1434.
    /// </summary>
    public const int LargeSliceTiles = 128;

    /// <summary>
    /// M[ξ, o, c] = Σ over the tiles of samples [first, end) of D_ξ[o]·V_ξ[c], and the bias
    /// gradient Σ dy after it, written into <paramref name="partial"/> (<see cref="WeightPartialSize"/>
    /// floats). <paramref name="onThisThread"/>: the GEMMs stay on this thread. <paramref name="batch"/>: the whole pass's.
    /// </summary>
    public static void BackwardWeightSlice(in Conv2dShape s, int batch, int first, int end, float* x, float* dy, float* partial, bool withBias, bool onThisThread)
    {
        if (WeightGradientTakesLargeTiles(in s, batch))
        {
            BackwardWeightSliceLarge(in s, first, end, x, dy, partial, withBias, onThisThread);
            return;
        }
        var geo = new Geometry(in s);
        int ic = s.InChannels, oc = s.OutChannels, chunk = SamplesPerChunk(geo.Tiles, end - first);
        // The slice in chunks of whole samples, at most ChunkTiles tiles (a slice of a large batch
        // would otherwise transform all of its samples at once): the chunks' GEMMs add into M in order.
        int most = chunk * geo.Tiles;
        int vStride = Geometry.PositionStride(ic, most), dStride = Geometry.PositionStride(oc, most);
        var ws = KernelWorkspace.ForCurrentThread();
        fixed (float* plane = ws.Padded(geo.PlaneFloats), v = ws.Columns(Positions * (vStride + dStride)))
        {
            float* d = v + (nint)Positions * vStride;
            new Span<float>(plane, geo.PaddedH * geo.PaddedW).Clear();
            for (int b0 = first; b0 < end; b0 += chunk)
            {
                int count = Math.Min(chunk, end - b0), n = count * geo.Tiles;
                for (int b = b0; b < b0 + count; b++)
                {
                    int column = (b - b0) * geo.Tiles;
                    for (int c = 0; c < ic; c++)
                        TransformInput(in s, in geo, x + ((nint)b * ic + c) * s.InPlane, plane, v + (nint)c * n + column, vStride);
                    for (int o = 0; o < oc; o++)
                        TransformGradient(in s, in geo, dy + ((nint)b * oc + o) * s.OutPlane, d + (nint)o * n + column, dStride);
                }
                AddProducts(Positions, oc, ic, n, d, dStride, v, vStride, partial, accumulate: b0 != first, onThisThread);
            }
        }
        if (withBias) BiasGradient(in s, first, end, dy, partial + (nint)Positions * Geometry.PositionStride(oc, ic));
    }

    /// <summary>
    /// M_ξ (+)= D_ξ·V_ξᵀ for each of <paramref name="positions"/> positions: [O × n]·[n × C] GEMMs
    /// over a chunk's n tile columns, into M[ξ, o, c] (positions <see cref="Geometry.PositionStride"/>(O, C) apart).
    /// </summary>
    private static void AddProducts(int positions, int oc, int ic, int n, float* d, int dStride, float* v, int vStride, float* partial,
        bool accumulate, bool onThisThread)
    {
        using (Gemm.OnCallingThread(onThisThread))
            for (int xi = 0; xi < positions; xi++)
                Gemm.Compute(false, true, oc, ic, n,
                    new ReadOnlySpan<float>(d + (nint)xi * dStride, oc * n), n,
                    new ReadOnlySpan<float>(v + (nint)xi * vStride, ic * n), n,
                    new Span<float>(partial + (nint)xi * Geometry.PositionStride(oc, ic), oc * ic), ic, accumulate);
    }

    /// <summary>The bias gradient Σ dy of samples [first, end), per output channel, written at <paramref name="bias"/>.</summary>
    private static void BiasGradient(in Conv2dShape s, int first, int end, float* dy, float* bias)
    {
        var sums = new Span<float>(bias, s.OutChannels);
        for (int b = first; b < end; b++)
            ConvGemm.BiasGradient(in s, new ReadOnlySpan<float>(dy + (nint)b * s.OutputSize, s.OutputSize), sums, accumulate: b != first);
    }

    /// <summary>
    /// D[ξ, tiles of this plane] for one dy plane: per tile row, the rows 2ty and 2ty + 1 (zero past
    /// the last), the column transform G′·δ, then the row transform ·G′ᵀ over 16 tiles at a time
    /// (each row's even and odd columns separated by a permute, zero past the last column).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformGradient(in Conv2dShape s, in Geometry geo, float* plane, float* d, int positionStride)
    {
        int outW = s.OutWidth, outH = s.OutHeight, tilesW = geo.TilesW;
        if (geo.RowsPerVector > 1)
        {
            TransformGradientPacked(in s, in geo, plane, d, positionStride);
            return;
        }
        for (int ty = 0; ty < geo.TilesH; ty++)
            for (int tx = 0; tx < tilesW; tx += 16)
            {
                int count = Math.Min(16, tilesW - tx), valid = outW - 2 * tx;  // columns of dy from 2tx
                Vector512<float> first = ConvDirect.FirstLanes(valid), second = ConvDirect.FirstLanes(valid - 16);
                float* top = plane + 2 * ty * outW + 2 * tx;
                var a = Avx512F.MaskLoad(top, first, Vector512<float>.Zero);
                var b = Avx512F.MaskLoad(top + 16, second, Vector512<float>.Zero);
                Vector512<float> a1 = default, b1 = default;
                if (2 * ty + 1 < outH)
                {
                    a1 = Avx512F.MaskLoad(top + outW, first, Vector512<float>.Zero);
                    b1 = Avx512F.MaskLoad(top + outW + 16, second, Vector512<float>.Zero);
                }
                BlockTransform(d + ty * tilesW + tx, positionStride, ConvDirect.FirstLanes(count), a, b, a1, b1);
            }
    }

    /// <summary>
    /// Tile rows of 4 or 8 tiles, 16 tiles (2 or 4 tile rows) to a vector, as the forward's packed
    /// input transform: each vector's 32 columns are the block rows of consecutive tile rows side by
    /// side (rows past the plane read as zero).
    /// </summary>
    private static void TransformGradientPacked(in Conv2dShape s, in Geometry geo, float* plane, float* d, int positionStride)
    {
        int outW = s.OutWidth, outH = s.OutHeight, tilesW = geo.TilesW, k = geo.RowsPerVector;
        var columns = ConvDirect.FirstLanes(outW);  // a row: 2·TilesW columns, the last missing for odd widths
        for (int ty0 = 0; ty0 < geo.TilesH; ty0 += k)
        {
            // Row r of dy in the first 2·TilesW lanes (zero past the last row).
            Vector512<float> Row(int r) => Load(plane, r, outW, outH, columns);
            Vector512<float> a, b, a1, b1;
            if (tilesW == 8)
            {
                a = Row(2 * ty0); b = Row(2 * ty0 + 2);
                a1 = Row(2 * ty0 + 1); b1 = Row(2 * ty0 + 3);
            }
            else
            {
                a = Vector512.Create(Row(2 * ty0).GetLower(), Row(2 * ty0 + 2).GetLower());
                b = Vector512.Create(Row(2 * ty0 + 4).GetLower(), Row(2 * ty0 + 6).GetLower());
                a1 = Vector512.Create(Row(2 * ty0 + 1).GetLower(), Row(2 * ty0 + 3).GetLower());
                b1 = Vector512.Create(Row(2 * ty0 + 5).GetLower(), Row(2 * ty0 + 7).GetLower());
            }
            BlockTransform(d + ty0 * tilesW, positionStride, ConvDirect.FirstLanes(Math.Min(k, geo.TilesH - ty0) * tilesW), a, b, a1, b1);
        }

        static Vector512<float> Load(float* plane, int r, int outW, int outH, Vector512<float> columns) =>
            r < outH ? Avx512F.MaskLoad(plane + r * outW, columns, Vector512<float>.Zero) : Vector512<float>.Zero;
    }

    /// <summary>
    /// D for 16 tiles: (a, b) hold the blocks' top rows (columns 2tx and 2tx + 1 in the even and odd
    /// lanes of the pair), (a1, b1) their bottom rows. G′ down the two rows, (r₀, (r₀ + r₁)/2,
    /// (r₀ − r₁)/2, −r₁), then along them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlockTransform(float* to, int positionStride, Vector512<float> lanes, Vector512<float> a, Vector512<float> b,
        Vector512<float> a1, Vector512<float> b1)
    {
        var half = Vector512.Create(0.5f);
        Vector512<int> evens = ConvDirect.EvenLanes, odds = ConvDirect.OddLanes;
        Vector512<float> e0 = Avx512F.PermuteVar16x32x2(a, evens, b), o0 = Avx512F.PermuteVar16x32x2(a, odds, b);
        Vector512<float> e1 = Avx512F.PermuteVar16x32x2(a1, evens, b1), o1 = Avx512F.PermuteVar16x32x2(a1, odds, b1);
        Column(to, positionStride, lanes, e0, o0, half);
        Column(to + 4 * (nint)positionStride, positionStride, lanes, (e0 + e1) * half, (o0 + o1) * half, half);
        Column(to + 8 * (nint)positionStride, positionStride, lanes, (e0 - e1) * half, (o0 - o1) * half, half);
        Column(to + 12 * (nint)positionStride, positionStride, lanes, -e1, -o1, half);
    }

    /// <summary>G′ along one transformed row: positions (even, (even + odd)/2, (even − odd)/2, −odd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(float* to, int positionStride, Vector512<float> lanes, Vector512<float> even, Vector512<float> odd, Vector512<float> half)
    {
        Avx512F.MaskStore(to, lanes, even);
        Avx512F.MaskStore(to + positionStride, lanes, (even + odd) * half);
        Avx512F.MaskStore(to + 2 * (nint)positionStride, lanes, (even - odd) * half);
        Avx512F.MaskStore(to + 3 * (nint)positionStride, lanes, -odd);
    }

    /// <summary>
    /// dW (+)= the output transform of the summed M for every (o, c) pair: Aᵀ·M·A (F(3×3, 2×2)) or
    /// Gᵀ·M·G (F(3×3, 4×4)), in parts of <see cref="PairsPerPart"/> pairs on the pool (each weight is
    /// computed by one part, so the thread count changes nothing). On the calling thread alone this
    /// was a serial stretch of the training step: ResNet64's worker sat idle for about 0.24 ms of it.
    /// </summary>
    public static void WeightFromTransformed(in Conv2dShape s, int batch, ReadOnlySpan<float> transformed, Span<float> dweight, bool accumulate)
    {
        int pairs = s.OutChannels * s.InChannels, parts = (pairs + PairsPerPart - 1) / PairsPerPart;
        fixed (float* t = transformed, dw = dweight)
        {
            var work = WeightTransformWork.ForCurrentThread();
            work.Set(in s, t, dw, accumulate, WeightGradientTakesLargeTiles(in s, batch));
            WorkerPool.Run(work, parts, Math.Min(parts, Gemm.MaxThreads));
        }
    }

    /// <summary>Part i: pairs [i·<see cref="PairsPerPart"/>, …) of the weight gradient's output transform.</summary>
    private sealed class WeightTransformWork : ParallelWork
    {
        [ThreadStatic] private static WeightTransformWork? t_instance;
        private Conv2dShape _shape;
        private float* _transformed, _weight;
        private bool _accumulate, _large;

        public static WeightTransformWork ForCurrentThread() => t_instance ??= new WeightTransformWork();

        public void Set(in Conv2dShape s, float* transformed, float* weight, bool accumulate, bool large)
        {
            _shape = s; _transformed = transformed; _weight = weight; _accumulate = accumulate; _large = large;
        }

        public override void RunPart(int part)
        {
            int first = part * PairsPerPart, end = Math.Min(first + PairsPerPart, _shape.OutChannels * _shape.InChannels);
            if (_large) WeightFromTransformedLarge(in _shape, _transformed, _weight, _accumulate, first, end);
            else WeightFromTransformedSmall(in _shape, _transformed, _weight, _accumulate, first, end);
        }
    }

    /// <summary>
    /// dW (+)= Aᵀ·M·A for pairs [first, end), 16 pairs to a vector: M[ξ, p] with p = o·C + c (positions
    /// <see cref="Geometry.PositionStride"/> apart), dW[p, 3u + v]. A block's 144 taps go back to
    /// pair-major order by 8-lane gathers from the tap-major results. On the calling thread, 128→128:
    /// 151 µs with positions a plain matrix apart (16 loads on one L1 set) and a scalar transpose, 98 now.
    /// </summary>
    [SkipLocalsInit]
    private static void WeightFromTransformedSmall(in Conv2dShape s, float* t, float* dw, bool accumulate, int first, int end)
    {
        nint stride = Geometry.PositionStride(s.OutChannels, s.InChannels);
        var pairMajor = stackalloc int[144];
        PairMajorIndices(pairMajor);
        var m = stackalloc Vector512<float>[16];
        var rows = stackalloc Vector512<float>[12];
        var result = stackalloc float[9 * 16];
        for (int p = first; p < end; p += 16)
            {
                int lanes = Math.Min(16, end - p);
                var mask = ConvDirect.FirstLanes(lanes);
                for (int xi = 0; xi < Positions; xi++) m[xi] = Avx512F.MaskLoad(t + xi * stride + p, mask, Vector512<float>.Zero);
                // Aᵀ down the columns: rows (m₀ + m₁ + m₂, m₁ − m₂, m₁ + m₂ + m₃) of each column j.
                for (int j = 0; j < 4; j++)
                {
                    Vector512<float> m0 = m[j], m1 = m[4 + j], m2 = m[8 + j], m3 = m[12 + j];
                    rows[j] = m0 + m1 + m2;
                    rows[4 + j] = m1 - m2;
                    rows[8 + j] = m1 + m2 + m3;
                }
                // ·A along each row, into the 3×3 taps, tap-major.
                for (int u = 0; u < 3; u++)
                {
                    Vector512<float> r0 = rows[4 * u], r1 = rows[4 * u + 1], r2 = rows[4 * u + 2], r3 = rows[4 * u + 3];
                    Vector512.Store(r0 + r1 + r2, result + (3 * u + 0) * 16);
                    Vector512.Store(r1 - r2, result + (3 * u + 1) * 16);
                    Vector512.Store(r1 + r2 + r3, result + (3 * u + 2) * 16);
                }
                StorePairMajor(result, pairMajor, dw + (nint)p * 9, lanes, accumulate);
            }
    }

    /// <summary>Float i of a block's 144 pair-major taps is tap i mod 9 of pair i / 9: result[(i mod 9)·16 + i / 9].</summary>
    private static void PairMajorIndices(int* pairMajor)
    {
        for (int i = 0; i < 144; i++) pairMajor[i] = i % 9 * 16 + i / 9;
    }

    /// <summary>The 16 pairs' 9 taps (<paramref name="result"/>, tap-major) written or added at dW[p·9 .. p·9 + 144), pair-major.</summary>
    private static void StorePairMajor(float* result, int* pairMajor, float* to, int lanes, bool accumulate)
    {
        if (lanes == 16)
            for (int j = 0; j < 144; j += 8)
            {
                var values = Avx2.GatherVector256(result, Vector256.Load(pairMajor + j), 4);
                if (accumulate) values += Vector256.Load(to + j);
                values.Store(to + j);
            }
        else if (accumulate)
            for (int lane = 0; lane < lanes; lane++)
                for (int tap = 0; tap < 9; tap++) to[lane * 9 + tap] += result[tap * 16 + lane];
        else
            for (int lane = 0; lane < lanes; lane++)
                for (int tap = 0; tap < 9; tap++) to[lane * 9 + tap] = result[tap * 16 + lane];
    }
}
