using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

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
        buffers.Reserve(mcMax * kcMax, Math.Min(ncMax, RoundUp(n, nr)) * kcMax);
        float* packA = buffers.PackA, packB = buffers.PackB;
        bool directA = direct && prob.TransA, directB = direct && !prob.TransB;

        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                // In direct mode only the ragged last panel is packed (into the first slot).
                var bPanels = new Panels { Packed = packB, PackedFrom = directB ? nc - nc % nr : 0 };
                if (bPanels.PackedFrom < nc) PackB<TKernel>(in prob, pc, jc + bPanels.PackedFrom, kc, nc - bPanels.PackedFrom, packB);

                for (int ic = 0; ic < m; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m - ic);
                    var aPanels = new Panels { Packed = packA, PackedFrom = directA ? mc - mc % mr : 0 };
                    if (aPanels.PackedFrom < mc) PackA<TKernel>(in prob, ic + aPanels.PackedFrom, pc, mc - aPanels.PackedFrom, kc, packA);
                    MacroKernel<TKernel>(in prob, ic, mc, jc, nc, pc, kc, aPanels, bPanels, buffers.Tile);
                }
            }
        }
    }

    /// <summary>
    /// Where the micro-panels of one block are: those before <see cref="PackedFrom"/> (rows or
    /// columns) are read in place from the caller's matrix, the rest from <see cref="Packed"/>.
    /// </summary>
    internal unsafe struct Panels
    {
        public float* Packed;
        public int PackedFrom;
    }

    /// <summary>
    /// The two inner loops over one packed mc×kc A block and kc×nc B block: every MR×NR tile of
    /// C[ic.., jc..], then the epilogue on each tile once its last K block is in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void MacroKernel<TKernel>(in Problem prob, int ic, int mc, int jc, int nc, int pc, int kc,
        Panels aPanels, Panels bPanels, float* tile)
        where TKernel : struct, IMicroKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        bool loadC = pc > 0 || prob.Accumulate;
        bool last = pc + kc == prob.K;
        // A bias alone goes into the AVX-512 kernel's registers on full tiles (Problem.BiasOnly).
        bool biasInRegisters = last && prob.BiasOnly && typeof(TKernel) == typeof(MicroKernel512);
        nint ldc = prob.Ldc;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* bp; nint bStep;
            if (jr < bPanels.PackedFrom) { bp = prob.BAt(pc, jc + jr); bStep = prob.Ldb; }
            else { bp = bPanels.Packed + (jr - bPanels.PackedFrom) * kc; bStep = nr; }

            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                float* ap; nint aStep;
                if (ir < aPanels.PackedFrom) { ap = prob.AAt(ic + ir, pc); aStep = prob.Lda; }
                else { ap = aPanels.Packed + (ir - aPanels.PackedFrom) * kc; aStep = mr; }

                float* ct = prob.C + (ic + ir) * ldc + jc + jr;
                // Ask for the next tile of C now: its rows are far apart in memory and would
                // otherwise arrive one cache miss at a time when that kernel loads them.
                if (Sse.IsSupported && ir + 2 * mr <= mc && cols == nr)
                {
                    float* next = ct + mr * ldc;
                    for (int i = 0; i < mr; i++)
                        for (int j = 0; j < nr; j += 16) Sse.Prefetch0(next + i * ldc + j);
                }
                bool full = rows == mr && cols == nr;
                if (full && biasInRegisters)
                {
                    MicroKernel512.Run(kc, ap, aStep, bp, bStep, ct, ldc, loadC, prob.Epilogue.Bias + jc + jr);
                    continue;
                }
                if (full)
                    TKernel.Run(kc, ap, aStep, bp, bStep, ct, ldc, loadC);
                else
                    EdgeTile<TKernel>(kc, ap, aStep, bp, bStep, ct, ldc, loadC, rows, cols, tile);
                // A bias in registers leaves the ragged tiles' bias to the epilogue.
                if (biasInRegisters && !prob.Epilogue.IsNone)
                    ApplyEpilogue(TKernel.Kind, in prob.Epilogue, ct, ldc, rows, cols, ic + ir, jc + jr);
            }
        }
        // Any other epilogue once over the finished mc×nc block, still in L2: called per MR×NR tile,
        // the calls cost more than a cheap activation's work (2048×512×128 with ReLU on one thread:
        // +350 µs over the bias alone).
        if (last && !biasInRegisters && !prob.Epilogue.IsNone)
            ApplyEpilogue(TKernel.Kind, in prob.Epilogue, prob.C + ic * ldc + jc, ldc, mc, nc, ic, jc);
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
