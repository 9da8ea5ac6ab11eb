using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Bench;

/// <summary>
/// The roofline's ceiling: GFLOP/s of independent fused multiply-adds with no memory traffic,
/// on one core and on every core at once. 24 accumulator chains cover any FMA latency × pipe
/// count on current x86 cores, so this is issue width × vector width × 2 × clock.
/// </summary>
public static class FmaPeak
{
    private const int Iterations = 1 << 20;

    /// <summary>Best GFLOP/s of <paramref name="threads"/> threads each running the FMA loop.</summary>
    public static double Measure(int threads, int runs = 5)
    {
        double best = 0;
        for (int r = 0; r < runs + 1; r++)
        {
            var workers = new Thread[threads];
            using var start = new ManualResetEventSlim(false);
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() => { start.Wait(); Loop(Iterations); });
                workers[t].Start();
            }
            long begin = Stopwatch.GetTimestamp();
            start.Set();
            foreach (var w in workers) w.Join();
            double seconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
            double flops = (double)threads * Iterations * 24 * 2 * Vector512<float>.Count;
            if (r > 0) best = Math.Max(best, flops / seconds / 1e9); // run 0 is the JIT warm-up
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop(int iterations)
    {
        var x = Vector512.Create(0.999f);
        var y = Vector512.Create(1e-7f);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default;
        Vector512<float> b6 = default, b7 = default, b8 = default, b9 = default, b10 = default, b11 = default;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
            b0 = Vector512.FusedMultiplyAdd(b0, x, y); b1 = Vector512.FusedMultiplyAdd(b1, x, y);
            b2 = Vector512.FusedMultiplyAdd(b2, x, y); b3 = Vector512.FusedMultiplyAdd(b3, x, y);
            b4 = Vector512.FusedMultiplyAdd(b4, x, y); b5 = Vector512.FusedMultiplyAdd(b5, x, y);
            b6 = Vector512.FusedMultiplyAdd(b6, x, y); b7 = Vector512.FusedMultiplyAdd(b7, x, y);
            b8 = Vector512.FusedMultiplyAdd(b8, x, y); b9 = Vector512.FusedMultiplyAdd(b9, x, y);
            b10 = Vector512.FusedMultiplyAdd(b10, x, y); b11 = Vector512.FusedMultiplyAdd(b11, x, y);
        }
        var sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11
            + b0 + b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8 + b9 + b10 + b11;
        return Vector512.Sum(sum);
    }
}
