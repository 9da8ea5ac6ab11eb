namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// The counter-based hash exactly as Dropout's and GaussianNoise's documentation states it,
/// written out again so that the tests pin the documented formula (not just self-consistency).
/// </summary>
internal static class CounterHashReference
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong At(ulong seed, ulong step, ulong stream, ulong index)
    {
        ulong key = Mix(Mix(seed ^ stream) ^ Mix(step ^ 0xD1B54A32D192ED03UL));
        return Mix(key + (index + 1) * Gamma);
    }

    public const ulong DropoutStream = 0x44524F504F555421UL, NoiseStream = 0x4E4F495345212121UL;
}
