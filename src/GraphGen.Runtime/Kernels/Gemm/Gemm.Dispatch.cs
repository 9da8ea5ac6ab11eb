using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Up to this many FLOPs (2·m·n·k) a GEMM runs on the caller's thread in direct mode (no
    /// packing where the layout allows). 2·64³ ≈ 0.5 MFLOP is about 3 µs on one Zen 5 core
    /// (64³ measured 160–175 GFLOP/s this way); a worker hand-off and the packing of a few KiB
    /// cost a sizeable part of that, so neither pays below it.
    /// </summary>
    internal const long SmallFlops = 2L * 64 * 64 * 64;

    /// <summary>
    /// Tests set this to run the 256-bit or scalar kernels on a machine that has AVX-512. Per
    /// calling thread, so a test that forces a kernel cannot change what concurrent tests run.
    /// </summary>
    [ThreadStatic] private static KernelKind? t_forcedKernel;

    internal static KernelKind? ForcedKernel { get => t_forcedKernel; set => t_forcedKernel = value; }

    internal static KernelKind BestKernel { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? KernelKind.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? KernelKind.Vector256
        : KernelKind.Scalar;

    internal static KernelKind ActiveKernel => ForcedKernel ?? BestKernel;

    /// <summary>
    /// Runs a pinned problem: small ones directly on this thread, large ones split over the
    /// worker pool: by rows (sharing the packed B) unless there are too few rows to go round.
    /// </summary>
    internal static unsafe void Execute(in Problem prob)
    {
        var kind = ActiveKernel;
        if (IsRowTimesTransposed(in prob, kind))
        {
            RowTimesTransposed(in prob, kind);
            return;
        }
        if (DepthSlices(in prob) is int slices and > 1)
        {
            RunDepthSlices(in prob, kind, slices);
            return;
        }
        var (mr, nr) = TileShape(kind);
        long flops = 2L * prob.M * prob.N * prob.K;
        if (kind == KernelKind.Vector512 && (ForcedInPlace ?? SuitsInPlace(in prob)))
        {
            RunInPlace(in prob, kind, flops);
            return;
        }
        // One row panel (batch-1 inference, say): each packed value of B would be used by at
        // most MR rows, so copying B costs as much as multiplying with it; read it in place.
        if (flops <= SmallFlops || prob.M <= mr)
        {
            RunBlock(in prob, kind, direct: true);
            return;
        }
        int threads = ThreadsFor(flops);
        if (threads > 1)
        {
            int rowUnits = (prob.M + mr - 1) / mr, colUnits = (prob.N + nr - 1) / nr;
            // Split the rows (sharing the packed B) when there are enough to go round;
            // chunks of at most MC rows, about four per thread so a late or slow thread costs
            // little at the end.
            var partition = new Partition { Parts = threads };
            if (rowUnits >= 2 * threads || colUnits < 2)
            {
                var (kc, nc) = BlockDepthAndWidth(kind);
                int chunkUnits = Math.Clamp(rowUnits / (4 * threads), 1, BlockRows(kind) / mr);
                partition.SplitRows = true;
                partition.ChunkRows = chunkUnits * mr;
                partition.RowChunks = (rowUnits + chunkUnits - 1) / chunkUnits;
                partition.PackChunks = 2 * threads;
                var buffers = GemmBuffers.ForCurrentThread();
                buffers.ReserveShared(kc * Math.Min(nc, RoundUp(prob.N, nr)));
                partition.SharedB0 = buffers.SharedB0;
                partition.SharedB1 = buffers.SharedB1;
            }
            else
            {
                int chunkUnits = Math.Max(1, colUnits / (2 * threads));
                partition.ChunkCols = chunkUnits * nr;
                partition.ColumnChunks = (colUnits + chunkUnits - 1) / chunkUnits;
            }
            if (WorkerPool.TryRun(in prob, kind, in partition)) return;
        }
        RunBlock(in prob, kind, direct: false);
    }

    /// <summary>Tests and measurements set this to force (true) or forbid (false) the in-place AVX-512 path, per calling thread.</summary>
    [ThreadStatic] private static bool? t_forcedInPlace;

    internal static bool? ForcedInPlace { get => t_forcedInPlace; set => t_forcedInPlace = value; }

    /// <summary>Whether <see cref="InPlace512"/> serves this problem better than the packed kernels.</summary>
    private static bool SuitsInPlace(in Problem prob) => prob.M <= InPlaceMaxRows;

    /// <summary>Problems with at most this many rows of C take the in-place path (measured: see docs/kernels.md).</summary>
    internal const int InPlaceMaxRows = 256;

    /// <summary>
    /// Runs <see cref="InPlace512"/> on this thread, or cut into blocks of C over the worker pool,
    /// about two per thread.
    /// </summary>
    private static void RunInPlace(in Problem prob, KernelKind kind, long flops)
    {
        int threads = ThreadsFor(flops);
        if (threads > 1)
        {
            int nr = prob.N <= 16 ? 16 : 32;
            int panels = (prob.N + nr - 1) / nr, rowTiles = (prob.M + 7) / 8;
            // B packed (stored transposed, or copied): columns, so that no two threads pack the same
            // panel. B read in place (the weight gradient dYᵀ·X, the input gradient dY·W of small
            // batches): rows, so that a weight gradient's rows stay in the cache of the thread
            // whose share of the arena the optimizer then updates (the parallel Adam deals the
            // arena out in the same order); split by columns, the update that follows ran 50%
            // longer (784-128-10, batch 64). A block of rows reads B in place as the whole does.
            int colChunks, rowChunks, target = 2 * threads;
            if (!ReadsBInPlace(in prob))
            {
                colChunks = Math.Min(panels, target);
                rowChunks = Math.Min(rowTiles, (target + colChunks - 1) / colChunks);
            }
            else
            {
                rowChunks = Math.Min(rowTiles, target);
                colChunks = Math.Min(panels, (target + rowChunks - 1) / rowChunks);
            }
            if (colChunks * rowChunks > 1)
            {
                var partition = new Partition { Parts = threads, InPlace = true };
                int panelsPerChunk = (panels + colChunks - 1) / colChunks, tilesPerChunk = (rowTiles + rowChunks - 1) / rowChunks;
                partition.ChunkCols = panelsPerChunk * nr;
                partition.ColumnChunks = (panels + panelsPerChunk - 1) / panelsPerChunk;
                partition.ChunkRows = tilesPerChunk * 8;
                partition.RowChunks = (rowTiles + tilesPerChunk - 1) / tilesPerChunk;
                if (WorkerPool.TryRun(in prob, kind, in partition)) return;
            }
        }
        InPlace512(in prob, GemmBuffers.ForCurrentThread());
    }

    private static void RunBlock(in Problem prob, KernelKind kind, bool direct)
    {
        var buffers = GemmBuffers.ForCurrentThread();
        switch (kind)
        {
            case KernelKind.Vector512 when MicroKernel512Narrow.Suits(prob.N): Blocked<MicroKernel512Narrow>(in prob, buffers, direct); break;
            case KernelKind.Vector512: Blocked<MicroKernel512>(in prob, buffers, direct); break;
            case KernelKind.Vector256: Blocked<MicroKernel256>(in prob, buffers, direct); break;
            default: Blocked<MicroKernelScalar>(in prob, buffers, direct); break;
        }
    }

    private static int BlockRows(KernelKind kind) => kind switch
    {
        KernelKind.Vector512 => MicroKernel512.MC,
        KernelKind.Vector256 => MicroKernel256.MC,
        _ => MicroKernelScalar.MC,
    };

    private static (int KC, int NC) BlockDepthAndWidth(KernelKind kind) => kind switch
    {
        KernelKind.Vector512 => (MicroKernel512.KC, MicroKernel512.NC),
        KernelKind.Vector256 => (MicroKernel256.KC, MicroKernel256.NC),
        _ => (MicroKernelScalar.KC, MicroKernelScalar.NC),
    };

    private static (int MR, int NR) TileShape(KernelKind kind) => kind switch
    {
        KernelKind.Vector512 => (MicroKernel512.MR, MicroKernel512.NR),
        KernelKind.Vector256 => (MicroKernel256.MR, MicroKernel256.NR),
        _ => (MicroKernelScalar.MR, MicroKernelScalar.NR),
    };
}
