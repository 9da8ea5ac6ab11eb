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
        /// <summary>Not a GEMM: parts 0..WorkParts−1 of this work, claimed like chunks.</summary>
        public ParallelWork? Work;
        public int WorkParts;
        /// <summary>Blocks of C for <see cref="InPlace512"/>: RowChunks × ColumnChunks of ChunkRows × ChunkCols, no shared buffer.</summary>
        public bool InPlace;

        /// <summary>Depth slices (<see cref="DepthSlices"/>): part s computes Pₛ into DepthPartials + s·m·n.</summary>
        public int DepthSlices;
        public float* DepthPartials;

        public int ChunkRows, RowChunks, PackChunks;
        public int ChunkCols, ColumnChunks;
        /// <summary>The two B blocks of a row split: block t uses buffer t mod 2.</summary>
        public float* SharedB0, SharedB1;
    }

    /// <summary>How many chunks of all blocks so far have been packed and computed.</summary>
    internal struct Progress
    {
        public int PackDone, ComputeDone;
    }

    /// <summary>
    /// Participant <paramref name="part"/>'s share of a parallel GEMM. The chunks of every block
    /// are dealt out in contiguous runs, one run per part, and each participant first works
    /// through its own run, then takes what is left of the others'. With every thread running,
    /// a thread keeps the same rows of C from one K block to the next (they stay in its
    /// caches); with one late, the others do its work.
    /// </summary>
    internal static void RunShare(in Problem prob, KernelKind kind, in Partition partition, int part)
    {
        if (partition.Work is { } work)
        {
            var parts = new Claims(WorkerPool.ComputeClaims, partition.Parts, partition.WorkParts, part, block: 0);
            for (int g; (g = parts.Next()) >= 0;)
            {
                work.RunPart(g);
                WorkerPool.CountWorkerPart(part);
            }
            return;
        }
        var buffers = GemmBuffers.ForCurrentThread();
        if (partition.DepthSlices > 0)
        {
            var slices = new Claims(WorkerPool.ComputeClaims, partition.Parts, partition.DepthSlices, part, block: 0);
            for (int s; (s = slices.Next()) >= 0;) RunDepthSlice(in prob, kind, in partition, s, buffers);
            return;
        }
        if (partition.InPlace)
        {
            InPlaceShare(in prob, in partition, part, buffers);
            return;
        }
        bool narrow = kind == KernelKind.Vector512 && MicroKernel512Narrow.Suits(prob.N);
        switch (kind)
        {
            case KernelKind.Vector512 when narrow: Share<MicroKernel512Narrow>(in prob, in partition, part, buffers); break;
            case KernelKind.Vector512: Share<MicroKernel512>(in prob, in partition, part, buffers); break;
            case KernelKind.Vector256: Share<MicroKernel256>(in prob, in partition, part, buffers); break;
            default: Share<MicroKernelScalar>(in prob, in partition, part, buffers); break;
        }
    }

    private static void Share<TKernel>(in Problem prob, in Partition partition, int part, GemmBuffers buffers)
        where TKernel : struct, IMicroKernel
    {
        if (partition.SplitRows)
        {
            SharedBRows<TKernel>(in prob, in partition, part, ref WorkerPool.Progress, buffers);
            return;
        }
        var claims = new Claims(WorkerPool.ComputeClaims, partition.Parts, partition.ColumnChunks, part, block: 0);
        for (int g; (g = claims.Next()) >= 0;)
        {
            int j0 = g * partition.ChunkCols, cols = Math.Min(partition.ChunkCols, prob.N - j0);
            var block = prob.Block(0, prob.M, j0, cols);
            Blocked<TKernel>(in block, buffers, direct: false);
        }
    }

    /// <summary>Participant <paramref name="part"/>'s blocks of an in-place split: each a whole GEMM on its rows and columns.</summary>
    private static void InPlaceShare(in Problem prob, in Partition partition, int part, GemmBuffers buffers)
    {
        var claims = new Claims(WorkerPool.ComputeClaims, partition.Parts, partition.RowChunks * partition.ColumnChunks, part, block: 0);
        for (int g; (g = claims.Next()) >= 0;)
        {
            int i0 = g / partition.ColumnChunks * partition.ChunkRows, j0 = g % partition.ColumnChunks * partition.ChunkCols;
            var block = prob.Block(i0, Math.Min(partition.ChunkRows, prob.M - i0), j0, Math.Min(partition.ChunkCols, prob.N - j0));
            InPlace512(in block, buffers);
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
    private static unsafe void SharedBRows<TKernel>(in Problem prob, in Partition partition, int part, ref Progress progress, GemmBuffers buffers)
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
                var packClaims = new Claims(WorkerPool.PackClaims, partition.Parts, q, part, t);
                for (int chunk; (chunk = packClaims.Next()) >= 0;)
                {
                    int j0 = panels * chunk / q * nr, j1 = Math.Min(nc, panels * (chunk + 1) / q * nr);
                    if (j0 < j1) PackB<TKernel>(in prob, pc, jc + j0, kc, j1 - j0, packB + j0 * kc);
                    Interlocked.Increment(ref progress.PackDone);
                }
                WaitFor(ref progress.PackDone, (t + 1) * q);
                WaitFor(ref progress.ComputeDone, t * r);

                var bPanels = new Panels { Packed = packB, PackedFrom = 0 };
                var computeClaims = new Claims(WorkerPool.ComputeClaims, partition.Parts, r, part, t);
                for (int chunk; (chunk = computeClaims.Next()) >= 0;)
                {
                    int ic = chunk * partition.ChunkRows, mc = Math.Min(partition.ChunkRows, prob.M - ic);
                    PackA<TKernel>(in prob, ic, pc, mc, kc, packA);
                    MacroKernel<TKernel>(in prob, ic, mc, jc, nc, pc, kc, new Panels { Packed = packA, PackedFrom = 0 }, bPanels, buffers.Tile);
                    Interlocked.Increment(ref progress.ComputeDone);
                }
            }
        }
    }

    /// <summary>
    /// Hands out the chunks of one block: chunks [o·count/parts, (o+1)·count/parts) belong to
    /// owner o, whose counter (in <c>counters</c>, one cache line apart) numbers its claims over
    /// all blocks, so block t's claims of owner o are t·size + 0, 1, … A participant takes from
    /// its own run first, then from the others' in turn. Every participant walks the blocks in
    /// order and leaves a block only when all its chunks are taken, so a counter is never behind.
    /// </summary>
    private ref struct Claims
    {
        private readonly Span<int> _counters;
        private readonly int _parts, _count, _block;
        private int _owner, _tried;

        public Claims(int[] counters, int parts, int count, int part, int block)
        {
            _counters = counters;
            _parts = parts;
            _count = count;
            _block = block;
            _owner = part;
            _tried = 0;
        }

        /// <summary>The next chunk of this block, or −1 when all are taken.</summary>
        public int Next()
        {
            while (_tried < _parts)
            {
                int first = (int)((long)_count * _owner / _parts), size = (int)((long)_count * (_owner + 1) / _parts) - first;
                ref int counter = ref _counters[_owner * WorkerPool.CounterStride];
                int limit = (_block + 1) * size;
                while (true)
                {
                    int value = Volatile.Read(ref counter);
                    if (value >= limit) break;
                    if (Interlocked.CompareExchange(ref counter, value + 1, value) == value)
                        return first + value - _block * size;
                }
                _owner = _owner + 1 == _parts ? 0 : _owner + 1;
                _tried++;
            }
            return -1;
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
