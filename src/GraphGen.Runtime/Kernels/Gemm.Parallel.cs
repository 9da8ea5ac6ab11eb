using System.Runtime.CompilerServices;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// How a parallel GEMM is cut into chunks. Row split: every (jc, pc) block of B is packed
    /// once into a buffer all threads read, in <see cref="PackChunks"/> chunks of panels, and C
    /// is computed in <see cref="RowChunks"/> chunks of <see cref="ChunkRows"/> rows. Column
    /// split (too few rows to share out): <see cref="ColumnChunks"/> independent column ranges
    /// of <see cref="ChunkCols"/> columns, each a whole GEMM with its own packing.
    /// </summary>
    internal unsafe struct Partition
    {
        /// <summary>The most threads that take part (the caller included).</summary>
        public int Parts;
        public bool SplitRows;
        public int ChunkRows, RowChunks, PackChunks;
        public int ChunkCols, ColumnChunks;
        /// <summary>The two B blocks of a row split: block t uses buffer t mod 2.</summary>
        public float* SharedB0, SharedB1;
    }

    /// <summary>Counters that participants advance; chunk g of block t is number t·(chunks per block) + g.</summary>
    internal struct Progress
    {
        public int PackClaimed, PackDone, ComputeClaimed, ComputeDone;
    }

    /// <summary>One participant's share of a parallel GEMM: it claims chunks until none are left.</summary>
    internal static void RunShare(in Problem prob, KernelKind kind, in Partition partition)
    {
        var buffers = GemmBuffers.ForCurrentThread();
        bool narrow = kind == KernelKind.Vector512 && MicroKernel512Narrow.Suits(prob.N);
        switch (kind)
        {
            case KernelKind.Vector512 when narrow: Share<MicroKernel512Narrow>(in prob, in partition, buffers); break;
            case KernelKind.Vector512: Share<MicroKernel512>(in prob, in partition, buffers); break;
            case KernelKind.Vector256: Share<MicroKernel256>(in prob, in partition, buffers); break;
            default: Share<MicroKernelScalar>(in prob, in partition, buffers); break;
        }
    }

    private static void Share<TKernel>(in Problem prob, in Partition partition, GemmBuffers buffers)
        where TKernel : struct, IMicroKernel
    {
        ref var progress = ref GemmWorkerPool.Progress;
        if (partition.SplitRows)
        {
            SharedBRows<TKernel>(in prob, in partition, ref progress, buffers);
            return;
        }
        for (int g; (g = Claim(ref progress.ComputeClaimed, partition.ColumnChunks)) >= 0;)
        {
            int j0 = g * partition.ChunkCols, cols = Math.Min(partition.ChunkCols, prob.N - j0);
            var block = prob.Block(0, prob.M, j0, cols);
            Blocked<TKernel>(in block, buffers, direct: false);
        }
    }

    /// <summary>
    /// The row split. Block t (the t-th (jc, pc) pair) is packed into buffer t mod 2 once
    /// blocks ≤ t−2, the previous users of that buffer, are fully computed; its rows are
    /// computed once it is fully packed and block t−1 is fully computed (C carries the partial
    /// sums from one K block to the next). A thread that finishes early packs the next block
    /// while the others finish this one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SharedBRows<TKernel>(in Problem prob, in Partition partition, ref Progress progress, GemmBuffers buffers)
        where TKernel : struct, IMicroKernel
    {
        int nr = TKernel.NR, kcMax = TKernel.KC, ncMax = TKernel.NC;
        int q = partition.PackChunks, r = partition.RowChunks;
        buffers.Reserve(TKernel.MC * kcMax, 0);
        float* packA = buffers.PackA;
        int t = 0;
        for (int jc = 0; jc < prob.N; jc += ncMax)
        {
            int nc = Math.Min(ncMax, prob.N - jc);
            int panels = (nc + nr - 1) / nr;
            for (int pc = 0; pc < prob.K; pc += kcMax, t++)
            {
                int kc = Math.Min(kcMax, prob.K - pc);
                float* packB = (t & 1) == 0 ? partition.SharedB0 : partition.SharedB1;

                if (t >= 2) WaitFor(ref progress.ComputeDone, (t - 1) * r);
                for (int g; (g = Claim(ref progress.PackClaimed, (t + 1) * q)) >= 0;)
                {
                    int chunk = g - t * q;
                    int j0 = panels * chunk / q * nr, j1 = Math.Min(nc, panels * (chunk + 1) / q * nr);
                    if (j0 < j1) PackB<TKernel>(in prob, pc, jc + j0, kc, j1 - j0, packB + j0 * kc);
                    Interlocked.Increment(ref progress.PackDone);
                }
                WaitFor(ref progress.PackDone, (t + 1) * q);
                WaitFor(ref progress.ComputeDone, t * r);

                var bPanels = new Panels { Packed = packB, PackedFrom = 0 };
                for (int g; (g = Claim(ref progress.ComputeClaimed, (t + 1) * r)) >= 0;)
                {
                    int ic = (g - t * r) * partition.ChunkRows, mc = Math.Min(partition.ChunkRows, prob.M - ic);
                    PackA<TKernel>(in prob, ic, pc, mc, kc, packA);
                    MacroKernel<TKernel>(in prob, ic, mc, jc, nc, pc, kc, new Panels { Packed = packA, PackedFrom = 0 }, bPanels, buffers.Tile);
                    Interlocked.Increment(ref progress.ComputeDone);
                }
            }
        }
    }

    /// <summary>
    /// Takes the next number of <paramref name="counter"/> if it is below <paramref name="limit"/>,
    /// else returns −1. Every participant walks the blocks in order and leaves a block's claim
    /// loop only when its chunks are all taken, so a number it gets belongs to its current block.
    /// </summary>
    private static int Claim(ref int counter, int limit)
    {
        while (true)
        {
            int value = Volatile.Read(ref counter);
            if (value >= limit) return -1;
            if (Interlocked.CompareExchange(ref counter, value + 1, value) == value) return value;
        }
    }

    /// <summary>Spins (yielding when the machine is busy) until <paramref name="counter"/> reaches <paramref name="target"/>.</summary>
    private static void WaitFor(ref int counter, int target)
    {
        if (Volatile.Read(ref counter) >= target) return;
        var spinner = new SpinWait();
        while (Volatile.Read(ref counter) < target) spinner.SpinOnce(sleep1Threshold: -1);
    }
}
