namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>Name of the environment variable that sets the default of <see cref="MaxThreads"/>.</summary>
    public const string ThreadsEnvironmentVariable = "GRAPHGEN_THREADS";

    private static int s_maxThreads = ThreadsFromEnvironment(Environment.GetEnvironmentVariable(ThreadsEnvironmentVariable));

    /// <summary>
    /// The most threads one GEMM uses (the caller's included). Defaults to
    /// <c>GRAPHGEN_THREADS</c> when it holds a positive integer, else to
    /// <see cref="Environment.ProcessorCount"/>. Results are bitwise identical for every value.
    /// </summary>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            s_maxThreads = value;
        }
    }

    /// <summary>The default thread count for a value of <c>GRAPHGEN_THREADS</c> (null when unset).</summary>
    internal static int ThreadsFromEnvironment(string? value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int t) && t > 0
            ? t : Environment.ProcessorCount;

    /// <summary>
    /// Each extra thread must get at least this many FLOPs, about 10 µs of one core's work, so
    /// two threads start at 4 MFLOP (128³: measured 190 GFLOP/s on two threads against 170 on
    /// one). Below that the chunks are too small for the hand-off to pay.
    /// </summary>
    internal const long FlopsPerThread = 2L * 1024 * 1024;
}
