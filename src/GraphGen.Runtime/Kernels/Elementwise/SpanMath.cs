using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// Elementwise loops the kernels share: y += x, y = a·x (+ y), sums. Each element is computed
/// by itself (no reassociation across elements), so the width of the vectors used never changes
/// a result, except <see cref="Sum"/>, whose lane order is fixed for a given length.
/// </summary>
internal static class SpanMath
{
    /// <summary>y[i] += x[i].</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y.Slice(0, n));
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref yr, (nuint)i) + Vector512.LoadUnsafe(ref xr, (nuint)i), ref yr, (nuint)i);
        for (; i <= n - 8; i += 8)
            Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref yr, (nuint)i) + Vector256.LoadUnsafe(ref xr, (nuint)i), ref yr, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref yr, i) += Unsafe.Add(ref xr, i);
    }

    /// <summary>y[i] = a·x[i], or y[i] += a·x[i] when <paramref name="accumulate"/> (a product, then a sum: no FMA, as the scalar tail).</summary>
    public static void Scale(ReadOnlySpan<float> x, float a, Span<float> y, bool accumulate)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y.Slice(0, n));
        if (Vector512.IsHardwareAccelerated)
        {
            var av = Vector512.Create(a);
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref xr, (nuint)i) * av;
                if (accumulate) v = Vector512.LoadUnsafe(ref yr, (nuint)i) + v;
                Vector512.StoreUnsafe(v, ref yr, (nuint)i);
            }
        }
        var a8 = Vector256.Create(a);
        for (; i <= n - 8; i += 8)
        {
            var v = Vector256.LoadUnsafe(ref xr, (nuint)i) * a8;
            if (accumulate) v = Vector256.LoadUnsafe(ref yr, (nuint)i) + v;
            Vector256.StoreUnsafe(v, ref yr, (nuint)i);
        }
        for (; i < n; i++)
        {
            float v = a * Unsafe.Add(ref xr, i);
            Unsafe.Add(ref yr, i) = accumulate ? Unsafe.Add(ref yr, i) + v : v;
        }
    }

    /// <summary>y[i] = x[i], or y[i] += x[i] when <paramref name="accumulate"/>.</summary>
    public static void CopyOrAdd(ReadOnlySpan<float> x, Span<float> y, bool accumulate)
    {
        if (accumulate) Add(x, y);
        else x.CopyTo(y);
    }

    /// <summary>Σ x[i] in float: 16 (or 8) running lane sums in index order, then the lanes in order, then the tail.</summary>
    public static float Sum(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        float total = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16) acc += Vector512.LoadUnsafe(ref xr, (nuint)i);
            for (int l = 0; l < 16; l++) total += acc[l];
        }
        else if (n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8) acc += Vector256.LoadUnsafe(ref xr, (nuint)i);
            for (int l = 0; l < 8; l++) total += acc[l];
        }
        for (; i < n; i++) total += Unsafe.Add(ref xr, i);
        return total;
    }
}
