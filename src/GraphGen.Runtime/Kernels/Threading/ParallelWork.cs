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
