using System.Runtime.CompilerServices;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// The GotoBLAS/BLIS loop nest on one thread, over the whole of <paramref name="prob"/>:
    /// <code>
    /// for jc in 0..n by NC            B block KC×NC is packed once per (jc, pc): L3
    ///   for pc in 0..k by KC
    ///     pack op(B)[pc.., jc..]
    ///     for ic in 0..m by MC        A block MC×KC is packed once per (ic, pc): L2
    ///       pack op(A)[ic.., pc..]
    ///       for jr in 0..nc by NR     one B micro-panel (KC×NR) stays in L1 ...
    ///         for ir in 0..mc by MR   ... while the A micro-panels stream past it
    ///           C[MR×NR] (+)= Ã·B̃     the micro-kernel
    /// </code>
    /// K is split into KC blocks, but each C element still sees one unbroken chain of fused
    /// multiply-adds in k order (the kernel reloads C for every block after the first), so
    /// neither the blocking nor the split of C over threads changes a single bit.
    /// With <paramref name="direct"/> (small problems), full micro-panels are read in place
    /// where the layout allows it (op(A) with transA, op(B) without transB): copying a few KiB
    /// costs as much as multiplying them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Blocked<TKernel>(in Problem prob, GemmBuffers buffers, bool direct)
        where TKernel : struct, IMicroKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR, kcMax = TKernel.KC, mcMax = TKernel.MC, ncMax = TKernel.NC;
        int m = prob.M, n = prob.N, k = prob.K;
        int ncCap = Math.Min(ncMax, RoundUp(n, nr));
        buffers.Reserve(mcMax * kcMax, ncCap * kcMax);
        float* packA = buffers.PackA, packB = buffers.PackB, tile = buffers.Tile;
        bool directA = direct && prob.TransA, directB = direct && !prob.TransB;

        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool loadC = pc > 0 || prob.Accumulate;
                bool last = pc + kc == k;
                // In direct mode only the ragged last panel is packed (into the first slot).
                int bPackedFrom = directB ? nc - nc % nr : 0;
                if (bPackedFrom < nc) PackB<TKernel>(in prob, pc, jc + bPackedFrom, kc, nc - bPackedFrom, packB);

                for (int ic = 0; ic < m; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m - ic);
                    int aPackedFrom = directA ? mc - mc % mr : 0;
                    if (aPackedFrom < mc) PackA<TKernel>(in prob, ic + aPackedFrom, pc, mc - aPackedFrom, kc, packA);

                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* bp; nint bStep;
                        if (jr < bPackedFrom) { bp = prob.BAt(pc, jc + jr); bStep = prob.Ldb; }
                        else { bp = packB + (jr - bPackedFrom) * kc; bStep = nr; }

                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* ap; nint aStep;
                            if (ir < aPackedFrom) { ap = prob.AAt(ic + ir, pc); aStep = prob.Lda; }
                            else { ap = packA + (ir - aPackedFrom) * kc; aStep = mr; }

                            float* ct = prob.C + (ic + ir) * prob.Ldc + jc + jr;
                            if (rows == mr && cols == nr)
                                TKernel.Run(kc, ap, aStep, bp, bStep, ct, prob.Ldc, loadC);
                            else
                                EdgeTile<TKernel>(kc, ap, aStep, bp, bStep, ct, prob.Ldc, loadC, rows, cols, tile);

                            if (last && !prob.Epilogue.IsNone)
                                ApplyEpilogue(TKernel.Kind, in prob.Epilogue, ct, prob.Ldc, rows, cols, ic + ir, jc + jr);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// A ragged tile at the bottom or right edge: the kernel runs on a full MR×NR scratch tile
    /// (zeros outside the live rows×cols, so nothing slow such as a subnormal can sit there) and
    /// only the live part is copied back.
    /// </summary>
    private static unsafe void EdgeTile<TKernel>(int kc, float* ap, nint aStep, float* bp, nint bStep,
        float* c, nint ldc, bool loadC, int rows, int cols, float* tile)
        where TKernel : struct, IMicroKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        if (loadC)
        {
            new Span<float>(tile, mr * nr).Clear();
            for (int i = 0; i < rows; i++)
                new ReadOnlySpan<float>(c + i * ldc, cols).CopyTo(new Span<float>(tile + i * nr, cols));
        }
        TKernel.Run(kc, ap, aStep, bp, bStep, tile, nr, loadC);
        for (int i = 0; i < rows; i++)
            new ReadOnlySpan<float>(tile + i * nr, cols).CopyTo(new Span<float>(c + i * ldc, cols));
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
