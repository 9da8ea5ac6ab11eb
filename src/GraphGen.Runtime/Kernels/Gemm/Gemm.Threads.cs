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

    /// <summary>
    /// Set while a kernel that already spreads its parts over <see cref="WorkerPool"/> runs a GEMM
    /// inside one part (<see cref="SingleThreadedGemm"/>): the GEMM then stays on the calling
    /// thread whatever its size. Per thread, so it never limits another caller.
    /// </summary>
    [ThreadStatic] private static bool t_onCallingThread;

    /// <summary>The threads a GEMM of <paramref name="flops"/> FLOPs may use on this thread.</summary>
    private static int ThreadsFor(long flops) =>
        t_onCallingThread ? 1 : (int)Math.Min(MaxThreads, Math.Max(1, flops / FlopsPerThread));

    /// <summary>Runs GEMMs on the calling thread alone (when <paramref name="alone"/>) until the returned scope is disposed.</summary>
    internal static CallingThreadScope OnCallingThread(bool alone = true)
    {
        bool outer = t_onCallingThread;
        t_onCallingThread = outer || alone;
        return new CallingThreadScope(outer);
    }

    internal readonly struct CallingThreadScope(bool outer) : IDisposable
    {
        public void Dispose() => t_onCallingThread = outer;
    }
}
