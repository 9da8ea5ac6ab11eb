using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// The forward pass's two transforms, V = Bᵀ·d·B of the input tiles and y = Aᵀ·M·A of the
/// products: separable (down the rows, then along them), 16 tiles to a vector, the tiles'
/// even and odd columns separated (input) or interleaved again (output) by two-source permutes.
/// </summary>
internal static unsafe partial class ConvWinograd
{
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
        if (geo.RowsPerVector > 1)
        {
            TransformInputPacked(in geo, padded, rows, v, positionStride);
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
                    RowTransform(to + (nint)4 * i * positionStride, positionStride, lanes, a, b, a2, b2);
                }
            }
        }
    }

    /// <summary>
    /// Tile rows of 4 or 8 tiles, 16 tiles (2 or 4 tile rows) to a vector: the column transform of
    /// each tile row, then each vector's 32 columns taken from the tile rows' transformed rows side
    /// by side (two 16-float or four 8-float pieces), so that every lane computes a tile.
    /// </summary>
    private static void TransformInputPacked(in Geometry geo, float* padded, float* rows, float* v, int positionStride)
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
                RowTransform(to + (nint)4 * i * positionStride, positionStride, lanes, a, b, a2, b2);
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
        Vector512<float> a2, Vector512<float> b2)
    {
        Vector512<int> evens = ConvDirect.EvenLanes, odds = ConvDirect.OddLanes;
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
            Put(y + row * outW - lane, q < perVector ? first : second, ConvDirect.LaneRange(lane, lane + width), accumulate);
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
        Put(to, activation.Forward(Avx512F.PermuteVar16x32x2(left, low, right) + bias), ConvDirect.FirstLanes(width), accumulate);
        if (width > 16) Put(to + 16, activation.Forward(Avx512F.PermuteVar16x32x2(left, high, right) + bias), ConvDirect.FirstLanes(width - 16), accumulate);
    }

    /// <summary>to[i] (+)= value[i] for the lanes of <paramref name="mask"/> (nothing else is read or written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* to, Vector512<float> value, Vector512<float> mask, bool accumulate) =>
        Avx512F.MaskStore(to, mask, accumulate ? Avx512F.MaskLoad(to, mask, Vector512<float>.Zero) + value : value);
}
