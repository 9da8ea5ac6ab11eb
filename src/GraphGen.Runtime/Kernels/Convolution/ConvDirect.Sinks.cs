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
