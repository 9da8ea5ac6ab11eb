using GraphGen.Kernels;

namespace GraphGen;

/// <summary>
/// How an optimizer splits a large arena over threads: contiguous ranges of whole 64-byte lines,
/// several per thread, run on the worker pool (whose threads are awake between the GEMMs of
/// a training step). Every element is updated by the same operations whichever range or thread
/// it falls in, so results do not depend on the thread count.
/// </summary>
internal static class ParallelUpdate
{
    /// <summary>
    /// Below this many floats an update runs on the caller: Adam takes about 0.2 ns per float on
    /// one Zen 5 core (a square root and two divisions), so 32 768 floats are ~7 µs, against a
    /// hand-off of about 1 µs.
    /// </summary>
    public const int MinFloats = 32 * 1024;

    /// <summary>The number of ranges and floats per range (a multiple of 16) for an arena of n floats; 1 range when it should not be split.</summary>
    public static int Ranges(int n, int minFloats, out int rangeFloats)
    {
        int threads = n < minFloats ? 1 : Math.Min(Gemm.MaxThreads, n / (minFloats / 2));
        if (threads <= 1)
        {
            rangeFloats = n;
            return 1;
        }
        int ranges = threads * WorkerPool.PartsPerThread;
        rangeFloats = (n / ranges + 15) & ~15;
        return (n + rangeFloats - 1) / rangeFloats;
    }

    /// <summary>Runs ranges 0..count−1 of <paramref name="work"/> over the pool, or on this thread when the pool is busy.</summary>
    public static void Run(ParallelWork work, int count) => WorkerPool.Run(work, count, Gemm.MaxThreads);
}
