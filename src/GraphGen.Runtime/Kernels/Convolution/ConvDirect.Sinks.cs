using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// Where <see cref="ConvDirect"/>'s correlation puts each finished register block (one output
/// channel × 32 wide positions starting at <see cref="Position"/>): its blocks and their stores,
/// inlined into the loop as a struct type argument.
/// </summary>
internal unsafe interface IBlockSink
{
    /// <summary>Register blocks per output channel.</summary>
    int Blocks { get; }

    /// <summary>The wide index q of block <paramref name="block"/>'s first position.</summary>
    int Position(int block);

    /// <summary>Takes the sums of channel <paramref name="channel"/> over block <paramref name="block"/>: positions 0–15 and 16–31.</summary>
    void Store(int channel, int block, Vector512<float> first, Vector512<float> second);
}

internal static unsafe partial class ConvDirect
{
    /// <summary>
    /// The wide buffer: wide[o, q] for q &lt; WideLength, blocks 32 positions apart, whose rows
    /// are copied out afterwards (the thrown-away columns j ≥ OW included).
    /// </summary>
    private readonly struct WideBlocks(float* wide, int length) : IBlockSink
    {
        public int Blocks => length / Positions;

        public int Position(int block) => block * Positions;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int channel, int block, Vector512<float> first, Vector512<float> second)
        {
            float* to = wide + (nint)channel * length + block * Positions;
            Vector512.Store(first, to);
            Vector512.Store(second, to + 16);
        }
    }

    /// <summary>
    /// Straight into the output rows, for rows of 17–32 columns: block i is output row i (wide
    /// positions i·Wp …, two vectors wide), written as y[o, i, j] = f(sum + bias[o]) for j &lt; OW,
    /// exactly as <see cref="ActivateRow"/> writes it from the wide buffer, without the wide
    /// buffer's store and reload. Padding channels (o ≥ the group's channels) are dropped.
    /// </summary>
    private readonly struct ActivatedRows<TAct>(in Geometry geo, float* y, float* bias, int channels, TAct activation) : IBlockSink
        where TAct : struct, IActivation<TAct>
    {
        private readonly int paddedW = geo.PaddedW, outW = geo.OutW, outPlane = geo.OutH * geo.OutW;
        private readonly Vector512<float> tail = FirstLanes(geo.OutW - 16);

        public int Blocks { get; } = geo.OutH;

        public int Position(int block) => block * paddedW;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int channel, int block, Vector512<float> first, Vector512<float> second)
        {
            if (channel >= channels) return;
            var b = Vector512.Create(bias == null ? 0f : bias[channel]);
            float* row = y + (nint)channel * outPlane + block * outW;
            Vector512.Store(activation.Forward(first + b), row);
            Avx512F.MaskStore(row + 16, tail, activation.Forward(second + b));
        }
    }

    /// <summary>
    /// Rows straight from the registers, max-pooled over 2×2 windows of stride 2 as they come (the
    /// convolution's output never stored, not even in scratch): an even row i waits in
    /// <c>stash</c> for row i + 1, and the pair's windows are taken by <see cref="Pool2d.MaxOfFour"/>,
    /// the scan and NaN rule of the max pooling's own 2×2 path, so the bits are those of the
    /// convolution then the pooling. Only the 2·pooled-height rows the windows read are computed.
    /// </summary>
    private readonly struct PooledRows<TAct>(in Geometry geo, in Pool2dShape pool, float* pooled, float* bias, int channels, TAct activation, float* stash) : IBlockSink
        where TAct : struct, IActivation<TAct>
    {
        private readonly int paddedW = geo.PaddedW, pooledW = pool.OutWidth, pooledPlane = pool.OutHeight * pool.OutWidth;
        private readonly Vector512<float> kept = FirstLanes(pool.OutWidth);

        public int Blocks { get; } = 2 * pool.OutHeight;

        public int Position(int block) => block * paddedW;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int channel, int block, Vector512<float> first, Vector512<float> second)
        {
            if (channel >= channels) return;
            var b = Vector512.Create(bias == null ? 0f : bias[channel]);
            first = activation.Forward(first + b);
            second = activation.Forward(second + b);
            float* waiting = stash + (nint)channel * Positions;
            if ((block & 1) == 0)
            {
                Vector512.Store(first, waiting);
                Vector512.Store(second, waiting + 16);
                return;
            }
            var max = Pool2d.MaxOfFour(Vector512.Load(waiting), Vector512.Load(waiting + 16), first, second);
            Avx512F.MaskStore(pooled + (nint)channel * pooledPlane + (block >> 1) * pooledW, kept, max);
        }
    }

    /// <summary>Whether the forward pass pools its rows as they leave the registers: rows written from the registers, and 2×2 windows of stride 2 without padding.</summary>
    internal static bool PoolsRows(in Conv2dShape s, in Pool2dShape pool) => WritesRows(Geometry.Forward(in s)) && Pool2d.PairsApply(in pool);

    /// <summary>
    /// Whether the forward pass writes rows straight from the registers: AVX-512, and output rows of
    /// 17–32 columns, which fill one register block (at 16 or fewer, half of each block would be
    /// thrown away; the wide layout packs the short rows).
    /// </summary>
    internal static bool WritesRows(in Geometry geo) => !RowsDisabled && Avx512F.IsSupported && geo.OutW > 16 && geo.OutW <= Positions;

    /// <summary>
    /// Sends every forward pass through the wide buffer, for the test that compares the two ways
    /// bit for bit. Process-wide (the samples run on the pool's threads); since both ways give the
    /// same bits, a pass running beside that test cannot tell.
    /// </summary>
    internal static volatile bool RowsDisabled;
}
