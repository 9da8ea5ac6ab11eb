using System.Runtime.CompilerServices;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    // Packing copies a block of op(A) or op(B) into the order the micro-kernel reads it, so the
    // kernel streams unit-stride memory whatever the layout of the caller's matrices: this is
    // where transposes are absorbed (nothing else ever looks at transA/transB). Ragged edges
    // are padded with zeros, which makes every micro-panel full: the padding contributes
    // 0·x = 0 to rows and columns that are never stored.

    /// <summary>
    /// Packs rows×kc of op(A), starting at (i, p), into MR-row micro-panels:
    /// dst[panel·MR·kc + q·MR + r] = op(A)(i + panel·MR + r, p + q).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void PackA<TKernel>(in Problem prob, int i, int p, int rows, int kc, float* dst)
        where TKernel : struct, IMicroKernel
    {
        int mr = TKernel.MR;
        for (int i0 = 0; i0 < rows; i0 += mr, dst += mr * kc)
        {
            int r = Math.Min(mr, rows - i0);
            float* src = prob.AAt(i + i0, p);
            if (prob.TransA)
            {
                // op(A)(i, q) = A[q·lda + i]: the MR values of one q are contiguous.
                if (r == mr)
                    for (int q = 0; q < kc; q++) Unsafe.CopyBlockUnaligned(dst + q * mr, src + q * prob.Lda, (uint)(mr * sizeof(float)));
                else
                    for (int q = 0; q < kc; q++)
                        for (int t = 0; t < mr; t++) dst[q * mr + t] = t < r ? src[q * prob.Lda + t] : 0f;
            }
            else
            {
                // op(A)(i, q) = A[i·lda + q]: rows of A become columns of the panel.
                Interleave(src, prob.Lda, r, kc, mr, dst);
            }
        }
    }

    /// <summary>
    /// Packs kc×cols of op(B), starting at (p, j), into NR-column micro-panels:
    /// dst[panel·NR·kc + q·NR + c] = op(B)(p + q, j + panel·NR + c).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void PackB<TKernel>(in Problem prob, int p, int j, int kc, int cols, float* dst)
        where TKernel : struct, IMicroKernel
    {
        int nr = TKernel.NR;
        for (int j0 = 0; j0 < cols; j0 += nr, dst += nr * kc)
        {
            int w = Math.Min(nr, cols - j0);
            float* src = prob.BAt(p, j + j0);
            if (!prob.TransB)
            {
                // op(B)(q, j) = B[q·ldb + j]: each q contributes one contiguous row piece.
                if (w == nr)
                    for (int q = 0; q < kc; q++) Unsafe.CopyBlockUnaligned(dst + q * nr, src + q * prob.Ldb, (uint)(nr * sizeof(float)));
                else
                    for (int q = 0; q < kc; q++)
                        for (int t = 0; t < nr; t++) dst[q * nr + t] = t < w ? src[q * prob.Ldb + t] : 0f;
            }
            else
            {
                // op(B)(q, j) = B[j·ldb + q]: stored rows of B become columns of the panel.
                if (TKernel.Kind == KernelKind.Vector512) Transpose512(src, prob.Ldb, w, kc, nr, dst);
                else Interleave(src, prob.Ldb, w, kc, nr, dst);
            }
        }
    }
}
