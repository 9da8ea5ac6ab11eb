using System.Runtime.CompilerServices;
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
    /// done: all of the row (a ragged end, or a row narrower than 16 windows, with masked loads
    /// and stores, which never touch memory past the row).
    /// </summary>
    private static unsafe int MaxPairs(float* row, int width, int rowIndex, int outW, float* y, int* argmax)
    {
        int j = 0;
        for (; j + 16 <= outW; j += 16)
            MaxPairs16(row + 2 * j, row + 2 * j + width, rowIndex + 2 * j, width, y + j, argmax + j, 16);
        if (j < outW)
            MaxPairs16(row + 2 * j, row + 2 * j + width, rowIndex + 2 * j, width, y + j, argmax + j, outW - j);
        return outW;
    }

    /// <summary>
    /// <paramref name="windows"/> (1 to 16) windows whose top rows start at <paramref name="r0"/> and
    /// bottom rows at <paramref name="r1"/>; fewer than 16 read and write under masks.
    /// </summary>
    private static unsafe void MaxPairs16(float* r0, float* r1, int firstIndex, int width, float* y, int* argmax, int windows)
    {
        Vector512<float> a, b, c, d;
        if (windows == 16)
        {
            (a, b) = (Vector512.Load(r0), Vector512.Load(r0 + 16));
            (c, d) = (Vector512.Load(r1), Vector512.Load(r1 + 16));
        }
        else
        {
            // 2·windows input floats per row: the first 16 under mask lo, the rest under mask hi.
            var lo = Lanes(Math.Min(2 * windows, 16));
            var hi = Lanes(Math.Max(2 * windows - 16, 0));
            (a, b) = (Avx512F.MaskLoad(r0, lo, default), Avx512F.MaskLoad(r0 + 16, hi, default));
            (c, d) = (Avx512F.MaskLoad(r1, lo, default), Avx512F.MaskLoad(r1 + 16, hi, default));
        }
        var first = Vector512.Create(firstIndex) + EvenLanes;
        var max = Avx512F.PermuteVar16x32x2(a, EvenLanes, b);
        var at = first;
        Take(Avx512F.PermuteVar16x32x2(a, OddLanes, b), first + Vector512<int>.One, ref max, ref at);
        Take(Avx512F.PermuteVar16x32x2(c, EvenLanes, d), first + Vector512.Create(width), ref max, ref at);
        Take(Avx512F.PermuteVar16x32x2(c, OddLanes, d), first + Vector512.Create(width + 1), ref max, ref at);
        if (windows == 16)
        {
            Vector512.Store(max, y);
            Vector512.Store(at, argmax);
        }
        else
        {
            var kept = Lanes(windows);
            Avx512F.MaskStore(y, kept, max);
            Avx512F.MaskStore(argmax, kept.AsInt32(), at);
        }
    }

    /// <summary>
    /// A whole plane of 2×2 stride-2 windows, values only (inference: nothing reads an argmax), by
    /// the scan and the rule of <see cref="MaxPairs16"/>, so the values are the same bits. The masks
    /// of a row's last block are the same for every row, so they are made once per plane.
    /// </summary>
    private static unsafe void MaxPairsPlane(float* x, int width, int outH, int outW, float* y)
    {
        int whole = outW / 16 * 16, rest = outW - whole;
        var lo = Lanes(Math.Min(2 * rest, 16));
        var hi = Lanes(Math.Max(2 * rest - 16, 0));
        var kept = Lanes(rest);
        for (int i = 0; i < outH; i++, y += outW)
        {
            float* r0 = x + 2 * i * width, r1 = r0 + width;
            for (int j = 0; j < whole; j += 16)
                Vector512.Store(MaxOfFour(Vector512.Load(r0 + 2 * j), Vector512.Load(r0 + 2 * j + 16), Vector512.Load(r1 + 2 * j), Vector512.Load(r1 + 2 * j + 16)), y + j);
            if (rest == 0) continue;
            float* t = r0 + 2 * whole, b = r1 + 2 * whole;
            Avx512F.MaskStore(y + whole, kept, MaxOfFour(Avx512F.MaskLoad(t, lo, default), Avx512F.MaskLoad(t + 16, hi, default),
                Avx512F.MaskLoad(b, lo, default), Avx512F.MaskLoad(b + 16, hi, default)));
        }
    }

    /// <summary>
    /// The maxima of 16 windows whose top rows are (a, b) and bottom rows (c, d), in the scan order of
    /// <see cref="MaxPairs16"/> (also the direct convolution's pooled rows, <c>ConvDirect.PooledRows</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> MaxOfFour(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        var max = Avx512F.PermuteVar16x32x2(a, EvenLanes, b);
        max = Larger(Avx512F.PermuteVar16x32x2(a, OddLanes, b), max);
        max = Larger(Avx512F.PermuteVar16x32x2(c, EvenLanes, d), max);
        return Larger(Avx512F.PermuteVar16x32x2(c, OddLanes, d), max);
    }

    /// <summary>v where it is larger than the running maximum or NaN, else the maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Larger(Vector512<float> v, Vector512<float> max) => Vector512.ConditionalSelect(Wins(v, max), v, max);

    /// <summary>The lanes where v replaces the running maximum: larger, or NaN (v ≠ v), the scalar loop's rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Wins(Vector512<float> v, Vector512<float> max) => Vector512.GreaterThan(v, max) | ~Vector512.Equals(v, v);

    /// <summary>A mask of the first <paramref name="count"/> lanes (0 to 16).</summary>
    private static Vector512<float> Lanes(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(Vector512<float> v, Vector512<int> index, ref Vector512<float> max, ref Vector512<int> at)
    {
        var take = Wins(v, max);
        max = Vector512.ConditionalSelect(take, v, max);
        at = Vector512.ConditionalSelect(take.AsInt32(), index, at);
    }
}
