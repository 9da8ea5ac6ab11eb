using System.Diagnostics;
using System.Globalization;

namespace GraphGen.Distributed.TestHost;

/// <summary>
/// Times the rank-ordered sum against MPI's own allreduce (MPI_Iallreduce) over arenas of
/// several sizes; rank 0 prints one line per size: floats, median microseconds of each, and
/// the ratio. For docs/distributed.md.
/// </summary>
public static class SumBenchmark
{
    public static void Run(MpiProcessGroup group)
    {
        const int Repeats = 41;
        foreach (int floats in (ReadOnlySpan<int>)[1_024, 61_706, 235_146, 1_048_576, 4_194_304])
        {
            var values = GC.AllocateArray<float>(floats, pinned: true);
            var ordered = new double[Repeats];
            var unordered = new double[Repeats];
            for (int r = 0; r < Repeats; r++)
            {
                values.AsSpan().Fill(group.Rank + 1);
                group.Barrier();
                long start = Stopwatch.GetTimestamp();
                group.SumInRankOrder(values, values);
                ordered[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                values.AsSpan().Fill(group.Rank + 1);
                group.Barrier();
                start = Stopwatch.GetTimestamp();
                group.SumUnordered(values);
                unordered[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            Array.Sort(ordered);
            Array.Sort(unordered);
            if (group.IsRoot)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{floats,10} floats  rank-ordered {ordered[Repeats / 2],9:F1} us  MPI_Allreduce {unordered[Repeats / 2],9:F1} us  ratio {ordered[Repeats / 2] / unordered[Repeats / 2]:F2}"));
        }
    }
}
