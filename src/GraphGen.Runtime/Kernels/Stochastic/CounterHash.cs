using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// Counter-based random bits: element i of call (seed, step) of a stream gets
/// hash = Mix(key + (i + 1)·γ) with key = Mix(Mix(seed ⊕ stream) ⊕ Mix(step ⊕ c)), γ = 2⁶⁴/φ and Mix
/// SplitMix64's finaliser (a bijection of 64-bit words). For a fixed key, hash(i) is exactly the
/// i-th output of a SplitMix64 generator seeded with the key, which passes BigCrush. Nothing
/// depends on which thread computes an element or in which order, and only integer arithmetic is
/// used, so the bits are the same on every machine.
/// </summary>
internal static class CounterHash
{
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;
    /// <summary>Stream tags: the same seed gives unrelated bits to dropout and to noise.</summary>
    public const ulong DropoutStream = 0x44524F504F555421UL, NoiseStream = 0x4E4F495345212121UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Mix on 8 lanes (bit-identical to the scalar form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Mix(Vector512<ulong> z)
    {
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * Vector512.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * Vector512.Create(0x94D049BB133111EBUL);
        return z ^ Vector512.ShiftRightLogical(z, 31);
    }

    public static ulong Key(ulong seed, ulong step, ulong stream) => Mix(Mix(seed ^ stream) ^ Mix(step ^ 0xD1B54A32D192ED03UL));

    /// <summary>The 64 random bits of element <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong At(ulong key, ulong index) => Mix(key + (index + 1) * Gamma);
}
