using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// dst[q·d + r] = src[r·ld + q] for r &lt; rows and q &lt; kc, and 0 for rows ≤ r &lt; d, with
    /// d = 16 or 32: the transposing pack of a B panel stored n×k (a dense layer's weight), as
    /// <see cref="Interleave"/> but in 16×16 blocks of zmm registers (16 loads, 64 shuffles and
    /// 16 stores per 256 values: about 2.5 times the 8×8 AVX form's rate). A ragged end of k is
    /// read with masked loads, so nothing past the panel is touched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Transpose512(float* src, nint ld, int rows, int kc, int d, float* dst)
    {
        for (int g = 0; g < d; g += 16)
        {
            int valid = Math.Clamp(rows - g, 0, 16);
            float* s = src + g * ld;
            for (int q = 0; q < kc; q += 16)
            {
                int depth = Math.Min(16, kc - q);
                var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(depth)).AsSingle();
                float* sq = s + q;
                var r0 = Row(sq, 0, ld, valid, depth, mask); var r1 = Row(sq, 1, ld, valid, depth, mask);
                var r2 = Row(sq, 2, ld, valid, depth, mask); var r3 = Row(sq, 3, ld, valid, depth, mask);
                var r4 = Row(sq, 4, ld, valid, depth, mask); var r5 = Row(sq, 5, ld, valid, depth, mask);
                var r6 = Row(sq, 6, ld, valid, depth, mask); var r7 = Row(sq, 7, ld, valid, depth, mask);
                var r8 = Row(sq, 8, ld, valid, depth, mask); var r9 = Row(sq, 9, ld, valid, depth, mask);
                var r10 = Row(sq, 10, ld, valid, depth, mask); var r11 = Row(sq, 11, ld, valid, depth, mask);
                var r12 = Row(sq, 12, ld, valid, depth, mask); var r13 = Row(sq, 13, ld, valid, depth, mask);
                var r14 = Row(sq, 14, ld, valid, depth, mask); var r15 = Row(sq, 15, ld, valid, depth, mask);

                // Pairs of rows interleaved, then quads: x[b, c] holds, in 128-bit lane L, column
                // 4L + c of rows 4b..4b+3.
                var t0 = Avx512F.UnpackLow(r0, r1); var t1 = Avx512F.UnpackHigh(r0, r1);
                var t2 = Avx512F.UnpackLow(r2, r3); var t3 = Avx512F.UnpackHigh(r2, r3);
                var t4 = Avx512F.UnpackLow(r4, r5); var t5 = Avx512F.UnpackHigh(r4, r5);
                var t6 = Avx512F.UnpackLow(r6, r7); var t7 = Avx512F.UnpackHigh(r6, r7);
                var t8 = Avx512F.UnpackLow(r8, r9); var t9 = Avx512F.UnpackHigh(r8, r9);
                var t10 = Avx512F.UnpackLow(r10, r11); var t11 = Avx512F.UnpackHigh(r10, r11);
                var t12 = Avx512F.UnpackLow(r12, r13); var t13 = Avx512F.UnpackHigh(r12, r13);
                var t14 = Avx512F.UnpackLow(r14, r15); var t15 = Avx512F.UnpackHigh(r14, r15);
                var x00 = Avx512F.Shuffle(t0, t2, 0x44); var x01 = Avx512F.Shuffle(t0, t2, 0xEE);
                var x02 = Avx512F.Shuffle(t1, t3, 0x44); var x03 = Avx512F.Shuffle(t1, t3, 0xEE);
                var x10 = Avx512F.Shuffle(t4, t6, 0x44); var x11 = Avx512F.Shuffle(t4, t6, 0xEE);
                var x12 = Avx512F.Shuffle(t5, t7, 0x44); var x13 = Avx512F.Shuffle(t5, t7, 0xEE);
                var x20 = Avx512F.Shuffle(t8, t10, 0x44); var x21 = Avx512F.Shuffle(t8, t10, 0xEE);
                var x22 = Avx512F.Shuffle(t9, t11, 0x44); var x23 = Avx512F.Shuffle(t9, t11, 0xEE);
                var x30 = Avx512F.Shuffle(t12, t14, 0x44); var x31 = Avx512F.Shuffle(t12, t14, 0xEE);
                var x32 = Avx512F.Shuffle(t13, t15, 0x44); var x33 = Avx512F.Shuffle(t13, t15, 0xEE);

                // Then a 4×4 transpose of 128-bit lanes for each c: column 4L + c, rows 0..15.
                float* o = dst + q * d + g;
                Lanes(x00, x10, x20, x30, o, 0, d, depth);
                Lanes(x01, x11, x21, x31, o, 1, d, depth);
                Lanes(x02, x12, x22, x32, o, 2, d, depth);
                Lanes(x03, x13, x23, x33, o, 3, d, depth);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector512<float> Row(float* s, int r, nint ld, int valid, int depth, Vector512<float> mask) =>
            r >= valid ? Vector512<float>.Zero
            : depth == 16 ? Vector512.Load(s + r * ld)
            : Avx512F.MaskLoad(s + r * ld, mask, Vector512<float>.Zero);
    }

    /// <summary>Stores columns c, 4 + c, 8 + c, 12 + c (those below depth) from the quads x0..x3 of rows 0–3, 4–7, 8–11, 12–15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Lanes(Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3,
        float* o, int c, int d, int depth)
    {
        var y0 = Avx512F.Shuffle4x128(x0, x1, 0x44);
        var y1 = Avx512F.Shuffle4x128(x0, x1, 0xEE);
        var y2 = Avx512F.Shuffle4x128(x2, x3, 0x44);
        var y3 = Avx512F.Shuffle4x128(x2, x3, 0xEE);
        if (c < depth) Vector512.Store(Avx512F.Shuffle4x128(y0, y2, 0x88), o + c * d);
        if (4 + c < depth) Vector512.Store(Avx512F.Shuffle4x128(y0, y2, 0xDD), o + (4 + c) * d);
        if (8 + c < depth) Vector512.Store(Avx512F.Shuffle4x128(y1, y3, 0x88), o + (8 + c) * d);
        if (12 + c < depth) Vector512.Store(Avx512F.Shuffle4x128(y1, y3, 0xDD), o + (12 + c) * d);
    }
}
