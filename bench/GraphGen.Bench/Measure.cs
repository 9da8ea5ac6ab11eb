using System.Diagnostics;

namespace GraphGen.Bench;

/// <summary>
/// Wall-clock timing for quick comparisons: warm up until the JIT has settled (tiered
/// compilation promotes hot methods after ~30 calls and a delay), then report the best of
/// several timed runs, each repeating the action enough times to last a few milliseconds.
/// </summary>
public static class Measure
{
    /// <summary>Best seconds per call of <paramref name="action"/>.</summary>
    public static double BestSeconds(Action action, int runs = 15, double warmupSeconds = 0.3, double runSeconds = 0.03)
    {
        var sw = Stopwatch.StartNew();
        int warmCalls = 0;
        while (sw.Elapsed.TotalSeconds < warmupSeconds || warmCalls < 50) { action(); warmCalls++; }

        // Calls per run so that one run lasts about runSeconds.
        double perCall = sw.Elapsed.TotalSeconds / warmCalls;
        int reps = Math.Max(1, (int)(runSeconds / perCall));
        double best = double.MaxValue;
        for (int r = 0; r < runs; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < reps; i++) action();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds / reps;
            best = Math.Min(best, seconds);
        }
        return best;
    }

    /// <summary>GFLOP/s of an m×n×k GEMM (2·m·n·k FLOPs) that took <paramref name="seconds"/>.</summary>
    public static double GemmGflops(int m, int n, int k, double seconds) => 2.0 * m * n * k / seconds / 1e9;
}
