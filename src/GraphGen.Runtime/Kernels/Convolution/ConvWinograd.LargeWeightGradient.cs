using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// The weight gradient by Winograd's F(3×3, 4×4), where the forward pass runs F(4×4, 3×3) and a
/// slice of the batch has enough tiles (<see cref="WeightGradientTakesLargeTiles"/>): each 4×4 block of dy (a forward output tile) contributes the
/// correlation of its 6×6 input tile with the block, and by the transposition principle the
/// forward's matrices swap roles:
/// <code>
/// V = Bᵀ·d·B       the 6×6 input tile, as in the forward pass
/// D = A·δ·Aᵀ       the 4×4 block δ of dy, A = (Aᵀ)ᵀ the forward's output matrix (6×4)
/// M_ξ = Σ_tiles D_ξ·V_ξ    for each of the 36 positions: one GEMM [O × tiles]·[tiles × C]
/// dW = Gᵀ·M·G      once, after the slices' M are added (G the forward's 6×3 kernel matrix)
/// </code>
/// 36 products per channel pair and block of 16 dy values, where F(3×3, 2×2) needs 64.
/// </summary>
internal static unsafe partial class ConvWinograd
{
    /// <summary>
    /// <see cref="BackwardWeightSlice"/> by F(3×3, 4×4): the slice in chunks of whole samples, each
    /// chunk's input tiles and dy blocks transformed with a tile per lane (columns rounded up to 16;
    /// the extra columns are zero in V and D), then 36 GEMMs adding into M in chunk order.
    /// </summary>
    private static void BackwardWeightSliceLarge(in Conv2dShape s, int first, int end, float* x, float* dy, float* partial, bool withBias, bool onThisThread)
    {
        var geo = new LargeGeometry(in s);
        int ic = s.InChannels, oc = s.OutChannels, chunk = SamplesPerChunk(geo.Tiles, end - first);
        int most = ConvDirect.RoundUp(chunk * geo.Tiles, 16);
        int vStride = Geometry.PositionStride(ic, most), dStride = Geometry.PositionStride(oc, most);
        var ws = KernelWorkspace.ForCurrentThread();
        fixed (float* planes = ws.Padded(PlanesFloats(in geo, chunk)), v = ws.Columns(LargePositions * (vStride + dStride)))
        fixed (int* offsets = ws.TileOffsets(2 * most))
        {
            float* d = v + (nint)LargePositions * vStride;
            int* blocks = offsets + most;
            for (int b0 = first; b0 < end; b0 += chunk)
            {
                int count = Math.Min(chunk, end - b0), tiles = count * geo.Tiles, n = ConvDirect.RoundUp(tiles, 16);
                TileCorners(in s, in geo, count, n, offsets, blocks);
                TransformInputsLarge(in s, in geo, x + (nint)b0 * s.InputSize, count, n, planes, offsets, v, n, vStride);
                float* dyChunk = dy + (nint)b0 * s.OutputSize;
                for (int o = 0; o < oc; o++)
                    for (int j = 0; j < n; j += 16)
                        TransformGradientLarge(dyChunk + (nint)o * s.OutPlane, blocks + j, Math.Min(16, tiles - j), s.OutWidth, d + (nint)o * n + j, dStride);
                AddProducts(LargePositions, oc, ic, n, d, dStride, v, vStride, partial, accumulate: b0 != first, onThisThread);
            }
        }
        if (withBias) BiasGradient(in s, first, end, dy, partial + (nint)LargePositions * Geometry.PositionStride(oc, ic));
    }

    /// <summary>
    /// D[ξ, lanes] = (A·δ·Aᵀ)[ξ] for up to 16 dy blocks (a block per lane, from
    /// <paramref name="plane"/> + <paramref name="corners"/>[lane]; lanes past <paramref name="blocks"/> zero):
    /// each block's four rows of four in one vector, the in-register 16×16 transpose that makes
    /// a vector per position in the block, then A down the columns and along the rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    internal static void TransformGradientLarge(float* plane, int* corners, int blocks, int ow, float* d, int positionStride)
    {
        var e = stackalloc Vector512<float>[16];
        for (int lane = 0; lane < 16; lane++)
        {
            if (lane >= blocks) { e[lane] = Vector512<float>.Zero; continue; }
            float* at = plane + corners[lane];
            e[lane] = Vector512.Create(Vector256.Create(Vector128.Load(at), Vector128.Load(at + ow)),
                Vector256.Create(Vector128.Load(at + 2 * ow), Vector128.Load(at + 3 * ow)));
        }
        Transpose16(e);
        // Down each of the four columns: t[4p + j] = (A·δ)[p, j].
        var t = stackalloc Vector512<float>[24];
        for (int j = 0; j < 4; j++)
            ATimes(e[j], e[4 + j], e[8 + j], e[12 + j], out t[j], out t[4 + j], out t[8 + j], out t[12 + j], out t[16 + j], out t[20 + j]);
        // Along each row: D[6p + q] = ((A·δ)·Aᵀ)[p, q].
        for (int p = 0; p < 6; p++)
        {
            ATimes(t[4 * p], t[4 * p + 1], t[4 * p + 2], t[4 * p + 3], out var r0, out var r1, out var r2, out var r3, out var r4, out var r5);
            float* to = d + (nint)6 * p * positionStride;
            r0.Store(to); r1.Store(to + positionStride); r2.Store(to + 2 * (nint)positionStride);
            r3.Store(to + 3 * (nint)positionStride); r4.Store(to + 4 * (nint)positionStride); r5.Store(to + 5 * (nint)positionStride);
        }
    }

    /// <summary>The 16×16 transpose of 16 vectors in place: lane k of e[l] becomes what lane l of e[k] was.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16(Vector512<float>* e)
    {
        for (int bit = 8; bit >= 1; bit /= 2)
            for (int r = 0; r < 16; r++)
                if ((r & bit) == 0) ConvChannelsLast.Swap(bit, ref e[r], ref e[r + bit]);
    }

    /// <summary>
    /// A = (Aᵀ)ᵀ applied to four values: (e₀, (e₀ + e₂) + (e₁ + e₃), (e₀ + e₂) − (e₁ + e₃), (e₀ + 4e₂) + 2(e₁ + 4e₃), (e₀ + 4e₂) − 2(e₁ + 4e₃), e₃).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ATimes(Vector512<float> e0, Vector512<float> e1, Vector512<float> e2, Vector512<float> e3,
        out Vector512<float> r0, out Vector512<float> r1, out Vector512<float> r2, out Vector512<float> r3, out Vector512<float> r4, out Vector512<float> r5)
    {
        Vector512<float> four = Vector512.Create(4f), even = e0 + e2, odd = e1 + e3;
        var near = Vector512.FusedMultiplyAdd(four, e2, e0);
        var far = Vector512.FusedMultiplyAdd(four, e3, e1) * Vector512.Create(2f);
        r0 = e0;
        r1 = even + odd;
        r2 = even - odd;
        r3 = near + far;
        r4 = near - far;
        r5 = e3;
    }

    /// <summary>
    /// dW (+)= Gᵀ·M·G for pairs [first, end) (first a multiple of 16), 16 pairs to a vector: M[ξ, p]
    /// for 36 positions, p = o·C + c (positions <see cref="Geometry.PositionStride"/> apart), dW[p, 3u + v].
    /// </summary>
    [SkipLocalsInit]
    private static void WeightFromTransformedLarge(in Conv2dShape s, float* t, float* dw, bool accumulate, int first, int end)
    {
        nint stride = Geometry.PositionStride(s.OutChannels, s.InChannels);
        var pairMajor = stackalloc int[144];
        PairMajorIndices(pairMajor);
        var m = stackalloc Vector512<float>[LargePositions];
        var rows = stackalloc Vector512<float>[18];
        var result = stackalloc float[9 * 16];
        for (int p = first; p < end; p += 16)
            {
                int lanes = Math.Min(16, end - p);
                var mask = ConvDirect.FirstLanes(lanes);
                for (int xi = 0; xi < LargePositions; xi++) m[xi] = Avx512F.MaskLoad(t + xi * stride + p, mask, Vector512<float>.Zero);
                // Gᵀ down the six columns: rows[3q + u] = (Gᵀ·M)[u, q].
                for (int q = 0; q < 6; q++)
                    GTransposeTimes(m[q], m[6 + q], m[12 + q], m[18 + q], m[24 + q], m[30 + q], out rows[3 * q], out rows[3 * q + 1], out rows[3 * q + 2]);
                // ·G along each row, into the 3×3 taps, tap-major.
                for (int u = 0; u < 3; u++)
                {
                    GTransposeTimes(rows[u], rows[3 + u], rows[6 + u], rows[9 + u], rows[12 + u], rows[15 + u], out var w0, out var w1, out var w2);
                    Vector512.Store(w0, result + (3 * u + 0) * 16);
                    Vector512.Store(w1, result + (3 * u + 1) * 16);
                    Vector512.Store(w2, result + (3 * u + 2) * 16);
                }
                StorePairMajor(result, pairMajor, dw + (nint)p * 9, lanes, accumulate);
            }
    }

    /// <summary>
    /// Gᵀ applied to six values: (m₀/4 + ((m₃ + m₄)/24 − (m₁ + m₂)/6), (m₃ − m₄)/12 − (m₁ − m₂)/6, ((m₃ + m₄) − (m₁ + m₂))/6 + m₅),
    /// the fractions as products with their rounded reciprocals.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GTransposeTimes(Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3, Vector512<float> m4, Vector512<float> m5,
        out Vector512<float> w0, out Vector512<float> w1, out Vector512<float> w2)
    {
        Vector512<float> sixth = Vector512.Create(1f / 6f), sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4;
        w0 = m0 * Vector512.Create(0.25f) + (sum34 * Vector512.Create(1f / 24f) - sum12 * sixth);
        w1 = diff34 * Vector512.Create(1f / 12f) - diff12 * sixth;
        w2 = (sum34 - sum12) * sixth + m5;
    }
}
