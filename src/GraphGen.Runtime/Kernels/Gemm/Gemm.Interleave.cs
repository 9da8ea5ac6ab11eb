using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// The transposing half of packing: dst[q·D + r] = src[r·ld + q] for r &lt; rows and q &lt; kc,
    /// and 0 for rows ≤ r &lt; D. It packs a panel of op(A) without transA (rows of A become
    /// columns of the panel, D = MR) and a panel of op(B) with transB (D = NR).
    /// </summary>
    /// <remarks>
    /// With AVX, 8×8 blocks are transposed in registers (8 loads, 24 shuffles, 8 stores per 64
    /// values, against 64 scalar loads and stores). When D is not a multiple of 8 the last group
    /// of rows stores 8 lanes where fewer are live; the extra lanes land at the start of the
    /// next column, which is written later (groups go from the last to the first and columns
    /// in increasing order), and the very last column is stored exactly, so nothing outside
    /// the panel is ever touched.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Interleave(float* src, nint ld, int rows, int kc, int d, float* dst)
    {
        int q = 0;
        if (Avx.IsSupported && d >= 6)
        {
            int kc8 = kc & ~7;
            for (; q < kc8; q += 8)
            {
                for (int g = (d - 1) & ~7; g >= 0; g -= 8)
                {
                    int valid = Math.Clamp(rows - g, 0, 8), live = Math.Min(8, d - g);
                    float* s = src + g * ld + q;
                    var r0 = valid > 0 ? Vector256.Load(s) : default;
                    var r1 = valid > 1 ? Vector256.Load(s + ld) : default;
                    var r2 = valid > 2 ? Vector256.Load(s + 2 * ld) : default;
                    var r3 = valid > 3 ? Vector256.Load(s + 3 * ld) : default;
                    var r4 = valid > 4 ? Vector256.Load(s + 4 * ld) : default;
                    var r5 = valid > 5 ? Vector256.Load(s + 5 * ld) : default;
                    var r6 = valid > 6 ? Vector256.Load(s + 6 * ld) : default;
                    var r7 = valid > 7 ? Vector256.Load(s + 7 * ld) : default;
                    Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                    float* t = dst + q * d + g;
                    Vector256.Store(r0, t);
                    Vector256.Store(r1, t + d);
                    Vector256.Store(r2, t + 2 * d);
                    Vector256.Store(r3, t + 3 * d);
                    Vector256.Store(r4, t + 4 * d);
                    Vector256.Store(r5, t + 5 * d);
                    Vector256.Store(r6, t + 6 * d);
                    if (live == 8 || q + 8 < kc)
                        Vector256.Store(r7, t + 7 * d);
                    else
                        for (int i = 0; i < live; i++) t[7 * d + i] = r7.GetElement(i);
                }
            }
        }
        for (; q < kc; q++)
            for (int r = 0; r < d; r++) dst[q * d + r] = r < rows ? src[r * ld + q] : 0f;
    }

    /// <summary>In-register transpose of the 8×8 block whose rows are r0..r7 (rows become columns).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        // Interleave pairs of rows, then pairs of pairs (within 128-bit lanes), then swap halves.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(u0, u4, 0x20); r1 = Avx.Permute2x128(u1, u5, 0x20);
        r2 = Avx.Permute2x128(u2, u6, 0x20); r3 = Avx.Permute2x128(u3, u7, 0x20);
        r4 = Avx.Permute2x128(u0, u4, 0x31); r5 = Avx.Permute2x128(u1, u5, 0x31);
        r6 = Avx.Permute2x128(u2, u6, 0x31); r7 = Avx.Permute2x128(u3, u7, 0x31);
    }
}
