using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

public static partial class Pool2d
{
    private static readonly Vector512<int> EvenLanes = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> OddLanes = EvenLanes + Vector512<int>.One;

    /// <summary>
    /// 2×2 windows with stride 2 and no padding (LeNet's pooling), 16 windows at a time: rows r and
    /// r + 1 are split into even and odd columns, and the four candidates of each window are taken
    /// in PyTorch's scan order (r, 2j), (r, 2j+1), (r+1, 2j), (r+1, 2j+1), each replacing the running
    /// maximum when larger or NaN, exactly as the scalar loop does. Returns the number of windows
    /// done: all of the row (a ragged end is staged through a stack buffer).
    /// </summary>
    private static unsafe int MaxPairs(float* row, int width, int rowIndex, int outW, float* y, int* argmax)
    {
        int j = 0;
        for (; j + 16 <= outW; j += 16)
            MaxPairs16(row + 2 * j, row + 2 * j + width, rowIndex + 2 * j, width, y + j, argmax + j);
        int rest = outW - j;
        if (rest > 0)
        {
            // The ragged end goes through the same code on staged copies; only its windows are kept.
            float* stage = stackalloc float[2 * 32 + 16];
            int* stagedAt = stackalloc int[16];
            new Span<float>(stage, 2 * 32 + 16).Clear();
            new ReadOnlySpan<float>(row + 2 * j, 2 * rest).CopyTo(new Span<float>(stage, 2 * rest));
            new ReadOnlySpan<float>(row + 2 * j + width, 2 * rest).CopyTo(new Span<float>(stage + 32, 2 * rest));
            MaxPairs16(stage, stage + 32, rowIndex + 2 * j, width, stage + 64, stagedAt);
            new ReadOnlySpan<float>(stage + 64, rest).CopyTo(new Span<float>(y + j, rest));
            new ReadOnlySpan<int>(stagedAt, rest).CopyTo(new Span<int>(argmax + j, rest));
        }
        return outW;
    }

    /// <summary>16 windows whose top rows start at <paramref name="r0"/> and bottom rows at <paramref name="r1"/>.</summary>
    private static unsafe void MaxPairs16(float* r0, float* r1, int firstIndex, int width, float* y, int* argmax)
    {
        var (a, b) = (Vector512.Load(r0), Vector512.Load(r0 + 16));
        var (c, d) = (Vector512.Load(r1), Vector512.Load(r1 + 16));
        var first = Vector512.Create(firstIndex) + EvenLanes;
        var max = Avx512F.PermuteVar16x32x2(a, EvenLanes, b);
        var at = first;
        Take(Avx512F.PermuteVar16x32x2(a, OddLanes, b), first + Vector512<int>.One, ref max, ref at);
        Take(Avx512F.PermuteVar16x32x2(c, EvenLanes, d), first + Vector512.Create(width), ref max, ref at);
        Take(Avx512F.PermuteVar16x32x2(c, OddLanes, d), first + Vector512.Create(width + 1), ref max, ref at);
        Vector512.Store(max, y);
        Vector512.Store(at, argmax);
    }

    private static void Take(Vector512<float> v, Vector512<int> index, ref Vector512<float> max, ref Vector512<int> at)
    {
        var take = Vector512.GreaterThan(v, max) | Vector512.IsNaN(v);
        max = Vector512.ConditionalSelect(take, v, max);
        at = Vector512.ConditionalSelect(take.AsInt32(), index, at);
    }
}
