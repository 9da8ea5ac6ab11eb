namespace GraphGen;

/// <summary>
/// A small, fast pseudo-random generator (xoshiro128** seeded through SplitMix64) whose
/// sequence depends only on the seed: the same seed gives the same numbers on every
/// machine, runtime and thread count. <see cref="System.Random"/> promises none of that.
/// </summary>
/// <remarks>
/// Only integer arithmetic and exact float scaling are used, so the stream is bitwise
/// identical everywhere. <see cref="NextGaussian"/> goes through <see cref="Math.Log(double)"/> and
/// <see cref="Math.Cos"/>, which can differ in the last bit between C runtimes; it is used
/// only where that is acceptable (noise for a VAE, dropout never uses it).
/// </remarks>
public sealed class SeededRandom
{
    private uint _s0, _s1, _s2, _s3;

    /// <summary>A generator whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public SeededRandom(ulong seed)
    {
        ulong z = seed;
        ulong a = SplitMix64(ref z), b = SplitMix64(ref z);
        _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    /// <summary>A generator for one named stream of a seed, e.g. the initial values of "hidden.weight".</summary>
    public static SeededRandom ForStream(ulong seed, string streamName) => new(seed ^ Fnv1a64(streamName));

    /// <summary>
    /// The seed of random stream <paramref name="stream"/> of a network seeded with
    /// <paramref name="seed"/>: each dropout or sampling op draws from its own stream.
    /// </summary>
    public static ulong StreamSeed(ulong seed, int stream)
    {
        ulong z = seed ^ (0xD1B54A32D192ED03UL * (ulong)(stream + 1));
        return SplitMix64(ref z);
    }

    /// <summary>Next 32 random bits.</summary>
    public uint NextUInt32()
    {
        uint result = RotateLeft(_s1 * 5, 7) * 9;
        uint t = _s1 << 9;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 11);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 bits of precision (every value exactly representable as a float).</summary>
    public float NextSingle() => (NextUInt32() >> 8) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 bits of precision.</summary>
    public double NextDouble()
    {
        ulong bits = ((ulong)NextUInt32() << 32) | NextUInt32();
        return (bits >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Uniform in [low, high).</summary>
    public float NextUniform(float low, float high) => low + (high - low) * NextSingle();

    /// <summary>Uniform integer in [0, maxExclusive), without modulo bias (Lemire's method).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "must be positive");
        ulong m = (ulong)NextUInt32() * (ulong)maxExclusive;
        uint low = (uint)m;
        if (low < (uint)maxExclusive)
        {
            uint threshold = (uint)(-maxExclusive) % (uint)maxExclusive;
            while (low < threshold)
            {
                m = (ulong)NextUInt32() * (ulong)maxExclusive;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>Standard normal sample (Box–Muller). See the remarks on determinism.</summary>
    public float NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static uint RotateLeft(uint x, int k) => (x << k) | (x >> (32 - k));

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>FNV-1a over the UTF-16 code units: a stable string hash (string.GetHashCode is randomised per process).</summary>
    public static ulong Fnv1a64(string text)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 0x100000001B3UL;
        }
        return hash;
    }
}
