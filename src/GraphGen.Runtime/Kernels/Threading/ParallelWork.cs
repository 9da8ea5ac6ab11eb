namespace GraphGen.Kernels;

/// <summary>
/// A job for <see cref="WorkerPool.Run"/> that is not a single GEMM (convolution over the samples
/// of a batch, batched attention GEMMs, softmax over blocks of rows, optimizer ranges): numbered
/// parts that may run on any thread, in any order.
/// </summary>
/// <remarks>
/// A part must compute the same bits whichever thread runs it and whatever else runs beside it:
/// it writes only its own outputs (one sample, one slot of partial sums, ...). A kernel keeps one
/// instance per calling thread and refills its fields (pointers to pinned spans) on every call,
/// so a parallel call allocates nothing.
/// </remarks>
internal abstract class ParallelWork
{
    public abstract void RunPart(int part);
}

/// <summary>
/// A count of items (rows, samples) cut into a fixed number of slices, slice s holding items
/// [s·count/slices, (s + 1)·count/slices): how the kernels whose sums go by slices (weight
/// gradients, BatchNorm, LayerNorm's dγ/dβ, bias sums) fix their order independently of the threads.
/// </summary>
internal static class FixedSlices
{
    /// <summary>Items [First, End) of slice <paramref name="slice"/> of <paramref name="slices"/> over <paramref name="count"/>.</summary>
    public static (int First, int End) Bounds(int count, int slices, int slice) =>
        ((int)((long)count * slice / slices), (int)((long)count * (slice + 1) / slices));
}
