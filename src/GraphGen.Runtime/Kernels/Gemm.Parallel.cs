using System.Runtime.CompilerServices;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// One thread's share of a row-split GEMM whose B blocks are packed together: for every
    /// (jc, pc) each of the P threads packs 1/P of the KC×NC B block into a buffer all of them
    /// read, waits at a barrier, then multiplies its own rows against the whole block. Packing
    /// B once instead of P times saves a full pass over B per extra thread.
    /// Two B buffers alternate, so one barrier per block is enough: a thread that reaches the
    /// packing of block t+2 has passed barrier t+1, which every thread reaches only after it
    /// has finished multiplying with block t, the previous user of that buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void BlockedSharedB<TKernel>(in Problem prob, in Partition partition, int part, GemmBuffers buffers)
        where TKernel : struct, IMicroKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR, kcMax = TKernel.KC, mcMax = TKernel.MC, ncMax = TKernel.NC;
        int n = prob.N, k = prob.K, parts = partition.Parts;
        int rowStart = Math.Min(prob.M, (int)((long)partition.Units * part / parts) * mr);
        int rowStop = Math.Min(prob.M, (int)((long)partition.Units * (part + 1) / parts) * mr);
        buffers.Reserve(mcMax * kcMax, 0);
        float* packA = buffers.PackA;
        int block = 0;

        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            int panels = (nc + nr - 1) / nr;
            int firstPanel = panels * part / parts, endPanel = panels * (part + 1) / parts;
            for (int pc = 0; pc < k; pc += kcMax, block++)
            {
                int kc = Math.Min(kcMax, k - pc);
                float* packB = (block & 1) == 0 ? partition.SharedB0 : partition.SharedB1;
                int j0 = firstPanel * nr, j1 = Math.Min(nc, endPanel * nr);
                if (j0 < j1) PackB<TKernel>(in prob, pc, jc + j0, kc, j1 - j0, packB + j0 * kc);
                GemmWorkerPool.Barrier();

                var bPanels = new Panels { Packed = packB, PackedFrom = 0 };
                for (int ic = rowStart; ic < rowStop; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, rowStop - ic);
                    PackA<TKernel>(in prob, ic, pc, mc, kc, packA);
                    MacroKernel<TKernel>(in prob, ic, mc, jc, nc, pc, kc, new Panels { Packed = packA, PackedFrom = 0 }, bPanels, buffers.Tile);
                }
            }
        }
    }
}
