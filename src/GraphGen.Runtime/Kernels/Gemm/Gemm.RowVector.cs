using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Whether C = a·Bᵀ has one row and a row-major a: batch-1 inference through a dense layer,
    /// y = x·Wᵀ with W stored [out, in]. Packing would transpose all of W to use each value
    /// once, so instead each y[j] is the dot product of two contiguous rows, x and W[j].
    /// </summary>
    private static bool IsRowTimesTransposed(in Problem prob, KernelKind kind) =>
        prob.M == 1 && !prob.TransA && prob.TransB && kind != KernelKind.Scalar;

    /// <summary>
    /// c[j] (+)= Σ_p a[p]·B[j·ldb + p], then the epilogue. The dot products keep 16 (or 8)
    /// partial sums per row in two interleaved sets, so unlike the packed path the sum is not
    /// one chain in k order: a batch of one row can differ from the same row inside a larger
    /// batch in the last bits. It is still the same for every thread count (it runs on one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RowTimesTransposed(in Problem prob, KernelKind kind)
    {
        float* a = prob.A, c = prob.C;
        int n = prob.N, k = prob.K;
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            float* b = prob.B + j * prob.Ldb;
            var (s0, s1, s2, s3) = kind == KernelKind.Vector512
                ? Dot4x512(a, b, prob.Ldb, k)
                : Dot4x256(a, b, prob.Ldb, k);
            Store(c + j, s0, prob.Accumulate);
            Store(c + j + 1, s1, prob.Accumulate);
            Store(c + j + 2, s2, prob.Accumulate);
            Store(c + j + 3, s3, prob.Accumulate);
        }
        for (; j < n; j++)
        {
            float* b = prob.B + j * prob.Ldb;
            // The last rows: the same arithmetic with the row repeated (its copies are dropped).
            var (s, _, _, _) = kind == KernelKind.Vector512 ? Dot4x512(a, b, 0, k) : Dot4x256(a, b, 0, k);
            Store(c + j, s, prob.Accumulate);
        }
        if (!prob.Epilogue.IsNone) ApplyEpilogue(kind, in prob.Epilogue, c, prob.Ldc, 1, n, 0, 0);

        static void Store(float* at, float sum, bool accumulate) => *at = accumulate ? *at + sum : sum;
    }

    /// <summary>Four dot products of a with the rows b, b + ld, b + 2·ld, b + 3·ld, each of length k.</summary>
    private static unsafe (float, float, float, float) Dot4x512(float* a, float* b, nint ld, int k)
    {
        float* b1 = b + ld, b2 = b + 2 * ld, b3 = b + 3 * ld;
        Vector512<float> x0 = default, x1 = default, x2 = default, x3 = default;
        Vector512<float> y0 = default, y1 = default, y2 = default, y3 = default;
        int p = 0;
        for (; p + 32 <= k; p += 32)
        {
            var u = Vector512.Load(a + p);
            var v = Vector512.Load(a + p + 16);
            x0 = Vector512.FusedMultiplyAdd(u, Vector512.Load(b + p), x0);
            x1 = Vector512.FusedMultiplyAdd(u, Vector512.Load(b1 + p), x1);
            x2 = Vector512.FusedMultiplyAdd(u, Vector512.Load(b2 + p), x2);
            x3 = Vector512.FusedMultiplyAdd(u, Vector512.Load(b3 + p), x3);
            y0 = Vector512.FusedMultiplyAdd(v, Vector512.Load(b + p + 16), y0);
            y1 = Vector512.FusedMultiplyAdd(v, Vector512.Load(b1 + p + 16), y1);
            y2 = Vector512.FusedMultiplyAdd(v, Vector512.Load(b2 + p + 16), y2);
            y3 = Vector512.FusedMultiplyAdd(v, Vector512.Load(b3 + p + 16), y3);
        }
        if (p + 16 <= k)
        {
            var u = Vector512.Load(a + p);
            x0 = Vector512.FusedMultiplyAdd(u, Vector512.Load(b + p), x0);
            x1 = Vector512.FusedMultiplyAdd(u, Vector512.Load(b1 + p), x1);
            x2 = Vector512.FusedMultiplyAdd(u, Vector512.Load(b2 + p), x2);
            x3 = Vector512.FusedMultiplyAdd(u, Vector512.Load(b3 + p), x3);
            p += 16;
        }
        float s0 = Vector512.Sum(x0 + y0), s1 = Vector512.Sum(x1 + y1), s2 = Vector512.Sum(x2 + y2), s3 = Vector512.Sum(x3 + y3);
        for (; p < k; p++)
        {
            s0 = MathF.FusedMultiplyAdd(a[p], b[p], s0);
            s1 = MathF.FusedMultiplyAdd(a[p], b1[p], s1);
            s2 = MathF.FusedMultiplyAdd(a[p], b2[p], s2);
            s3 = MathF.FusedMultiplyAdd(a[p], b3[p], s3);
        }
        return (s0, s1, s2, s3);
    }

    /// <summary>The <see cref="Vector256{T}"/> form of <see cref="Dot4x512"/>.</summary>
    private static unsafe (float, float, float, float) Dot4x256(float* a, float* b, nint ld, int k)
    {
        float* b1 = b + ld, b2 = b + 2 * ld, b3 = b + 3 * ld;
        Vector256<float> x0 = default, x1 = default, x2 = default, x3 = default;
        Vector256<float> y0 = default, y1 = default, y2 = default, y3 = default;
        int p = 0;
        for (; p + 16 <= k; p += 16)
        {
            var u = Vector256.Load(a + p);
            var v = Vector256.Load(a + p + 8);
            x0 = Vector256.FusedMultiplyAdd(u, Vector256.Load(b + p), x0);
            x1 = Vector256.FusedMultiplyAdd(u, Vector256.Load(b1 + p), x1);
            x2 = Vector256.FusedMultiplyAdd(u, Vector256.Load(b2 + p), x2);
            x3 = Vector256.FusedMultiplyAdd(u, Vector256.Load(b3 + p), x3);
            y0 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b + p + 8), y0);
            y1 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b1 + p + 8), y1);
            y2 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b2 + p + 8), y2);
            y3 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b3 + p + 8), y3);
        }
        if (p + 8 <= k)
        {
            var u = Vector256.Load(a + p);
            x0 = Vector256.FusedMultiplyAdd(u, Vector256.Load(b + p), x0);
            x1 = Vector256.FusedMultiplyAdd(u, Vector256.Load(b1 + p), x1);
            x2 = Vector256.FusedMultiplyAdd(u, Vector256.Load(b2 + p), x2);
            x3 = Vector256.FusedMultiplyAdd(u, Vector256.Load(b3 + p), x3);
            p += 8;
        }
        float s0 = Vector256.Sum(x0 + y0), s1 = Vector256.Sum(x1 + y1), s2 = Vector256.Sum(x2 + y2), s3 = Vector256.Sum(x3 + y3);
        for (; p < k; p++)
        {
            s0 = MathF.FusedMultiplyAdd(a[p], b[p], s0);
            s1 = MathF.FusedMultiplyAdd(a[p], b1[p], s1);
            s2 = MathF.FusedMultiplyAdd(a[p], b2[p], s2);
            s3 = MathF.FusedMultiplyAdd(a[p], b3[p], s3);
        }
        return (s0, s1, s2, s3);
    }
}
