using System.Globalization;
using ILGPU;
using ILGPU.Runtime;
using GraphGen.Kernels;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// A lookup table of learned vectors on the device (the CPU's <c>GraphGen.Kernels.Embedding</c>):
/// ids [positions] of token indices stored as floats, table [vocabulary, dimension], y [positions, dimension].
/// <code>
/// forward   y[t, :] = table[id_t, :]
/// backward  dtable[v, :] = Σ_{t : id_t = v} dy[t, :]     (rows no id names get 0)
/// </code>
/// </summary>
/// <remarks>
/// <para><b>Ids outside the vocabulary.</b> The ids are on the device, so the CPU's check cannot
/// run on the host without a copy. The forward pass checks them on the device first: one thread
/// per position marks a bad id (negative, NaN, fractional, ≥ vocabulary) by raising an error slot
/// to positions − t with an integer atomic maximum (so the slot names the first bad position
/// whatever the order threads run in); the host reads the slot (4 bytes) and throws the CPU's
/// exception, naming the position and its value, before the lookup writes anything. That read
/// waits for the device: one synchronisation per embedding forward pass, the price of failing
/// at the call that received the bad id rather than with a NaN loss later. (Ids that come straight
/// from the network's input could be checked on the host before the upload instead, with no
/// synchronisation; that is the GPU program's to do, which knows which input feeds an embedding.)</para>
/// <para><b>Deterministic scatter.</b> The backward pass gathers instead of scattering: one thread
/// per table element (v, d) adds dy[t, d] over the positions t whose id is v, in position order,
/// starting from 0 (or from the existing gradient when accumulating). Up to
/// <see cref="BlockPositions"/> positions that is the CPU's chain of additions, so the gradient is
/// the CPU's bit for bit, with no atomics. Beyond, one thread per (block of positions, v, d) sums
/// its block in order and a second pass adds the blocks in order: every launch gives the same bits,
/// which agree with the CPU's single chain to rounding. (One thread per table element scanning all
/// of TinyGpt's 2048 positions took 220 µs on an H200.) Either way every id is read once per table
/// element (vocabulary·dimension·positions comparisons): cheap for the vocabularies of this
/// project's examples (≤ a few hundred tokens); a large vocabulary would want the positions sorted
/// by token first. The comparison never indexes the table with an id, so it cannot read out of bounds.</para>
/// </remarks>
public static class Embedding
{
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<int>, int> CheckMethod = CheckKernel;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> ForwardMethod = ForwardKernel;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> BackwardMethod = BackwardKernel;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> BlockPartialsMethod = BlockPartialsKernel;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> AddBlocksMethod = AddBlocksKernel;

    /// <summary>Positions one thread of the backward pass scans, beyond which the pass runs in blocks.</summary>
    internal const int BlockPositions = 64;

    /// <summary>The most partial sums (floats) the blocked backward pass keeps: 64 MiB.</summary>
    private const long MaxPartials = 16L << 20;

    /// <summary>y[t, :] = table[id_t, :] for every position t; an id outside the vocabulary throws before anything is written.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id that is not an integer in [0, vocabulary).</exception>
    public static void Forward(GpuDevice device, ArrayView<float> ids, ArrayView<float> table, ArrayView<float> y, int vocabulary, int dimension)
    {
        const string Kernel = "Embedding.Forward";
        int positions = ViewLength.Of(ids);
        Check(Kernel, vocabulary, dimension, ViewLength.Of(table), nameof(table));
        KernelChecks.Length(ViewLength.Of(y), Kernel, nameof(y), "[positions, dimension]", positions, dimension);
        if (positions == 0) return;
        ThrowIfAnyIdIsInvalid(device, Kernel, ids, vocabulary);
        device.Kernel(ForwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(ForwardMethod))(positions * dimension, ids, table, y, dimension);
    }

    /// <summary>dtable (+)= the scatter of dy onto the rows the ids name (ids the forward pass checked).</summary>
    public static void Backward(GpuDevice device, ArrayView<float> ids, ArrayView<float> dy, ArrayView<float> dtable, int vocabulary, int dimension, bool accumulate)
    {
        const string Kernel = "Embedding.Backward";
        int positions = ViewLength.Of(ids);
        Check(Kernel, vocabulary, dimension, ViewLength.Of(dtable), nameof(dtable));
        KernelChecks.Length(ViewLength.Of(dy), Kernel, nameof(dy), "[positions, dimension]", positions, dimension);
        long elements = (long)vocabulary * dimension;
        int blocks = (int)Math.Min((positions + BlockPositions - 1) / BlockPositions, Math.Max(1, MaxPartials / elements));
        if (blocks <= 1)
        {
            device.Kernel(BackwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(BackwardMethod))((int)elements, ids, dy, dtable, positions, dimension, accumulate ? 1 : 0);
            return;
        }
        // partials[b, v, d]: the positions of block b holding token v, added in order; then the blocks, in order.
        var partials = device.Scratch(blocks * elements);
        int perBlock = (positions + blocks - 1) / blocks;
        device.Kernel(BlockPartialsMethod.Method, a => a.LoadAutoGroupedStreamKernel(BlockPartialsMethod))(
            (int)(blocks * elements), ids, dy, partials, positions, perBlock, dimension);
        device.Kernel(AddBlocksMethod.Method, a => a.LoadAutoGroupedStreamKernel(AddBlocksMethod))((int)elements, partials, dtable, blocks, accumulate ? 1 : 0);
    }

    private static void Check(string kernel, int vocabulary, int dimension, int tableLength, string tableName)
    {
        KernelChecks.NotLess(vocabulary, 1, kernel, nameof(vocabulary));
        KernelChecks.NotLess(dimension, 1, kernel, nameof(dimension));
        KernelChecks.Length(tableLength, kernel, tableName, "[vocabulary, dimension]", vocabulary, dimension);
    }

    /// <summary>Runs the device check and throws the CPU kernel's exception for the first bad position, if any.</summary>
    private static void ThrowIfAnyIdIsInvalid(GpuDevice device, string kernel, ArrayView<float> ids, int vocabulary)
    {
        int positions = (int)ids.Length;
        var slot = device.Scratch(1).Cast<int>();
        slot.MemSetToZero(device.Stream());
        device.Kernel(CheckMethod.Method, a => a.LoadAutoGroupedStreamKernel(CheckMethod))(positions, ids, slot, vocabulary);
        Span<int> flag = stackalloc int[1];
        slot.CopyToCPU(flag);
        if (flag[0] == 0) return;
        int t = positions - flag[0];
        Span<float> id = stackalloc float[1];
        ids.SubView(t, 1).CopyToCPU(id);
        throw new ArgumentOutOfRangeException(nameof(ids), id[0],
            $"{kernel}: ids[{t.ToString(CultureInfo.InvariantCulture)}] = {id[0].ToString("R", CultureInfo.InvariantCulture)} is not a token index (an integer in [0, {vocabulary.ToString(CultureInfo.InvariantCulture)})).");
    }

    /// <summary>Position t: a bad id raises slot[0] to positions − t (the first bad position gives the largest value).</summary>
    private static void CheckKernel(Index1D t, ArrayView<float> ids, ArrayView<int> slot, int vocabulary)
    {
        float id = ids[t];
        // !(id >= 0) also catches NaN; below the vocabulary, truncating to an int is the floor, so the last test catches fractions.
        if (!(id >= 0f) || id >= vocabulary || (int)id != id)
            Atomic.Max(ref slot[0], (int)ids.Length - t);
    }

    /// <summary>Element (t, d) of y.</summary>
    private static void ForwardKernel(Index1D e, ArrayView<float> ids, ArrayView<float> table, ArrayView<float> y, int dimension)
    {
        int t = e / dimension, d = e % dimension;
        y[e] = table[(long)(int)ids[t] * dimension + d];
    }

    /// <summary>Thread (b, v, d): the gradients of block b's positions holding token v, added in position order from 0.</summary>
    private static void BlockPartialsKernel(Index1D t, ArrayView<float> ids, ArrayView<float> dy, ArrayView<float> partials, int positions, int perBlock, int dimension)
    {
        long elements = partials.Length / ((positions + perBlock - 1) / perBlock);
        int b = (int)(t / elements), e = (int)(t % elements);
        int v = e / dimension, d = e % dimension;
        float token = v;
        float sum = 0f;
        for (int p = b * perBlock, end = Math.Min(positions, p + perBlock); p < end; p++)
            if (ids[p] == token) sum += dy[(long)p * dimension + d];
        partials[t] = sum;
    }

    /// <summary>Element e of dtable (+)= the blocks' partial sums, added in block order.</summary>
    private static void AddBlocksKernel(Index1D e, ArrayView<float> partials, ArrayView<float> dtable, int blocks, int accumulate)
    {
        long elements = partials.Length / blocks;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) sum += partials[b * elements + e];
        dtable[e] = accumulate != 0 ? dtable[e] + sum : sum;
    }

    /// <summary>Element (v, d) of dtable: the gradients of the positions holding token v, added in position order.</summary>
    private static void BackwardKernel(Index1D e, ArrayView<float> ids, ArrayView<float> dy, ArrayView<float> dtable, int positions, int dimension, int accumulate)
    {
        int v = e / dimension, d = e % dimension;
        float token = v;
        float sum = accumulate != 0 ? dtable[e] : 0f;
        for (int t = 0; t < positions; t++)
            if (ids[t] == token) sum += dy[(long)t * dimension + d];
        dtable[e] = sum;
    }
}
