namespace GraphGen.Distributed.TestHost;

/// <summary>
/// Rank-ordered sums of arenas on both sides of <see cref="MpiProcessGroup.FullExchangeLimit"/>
/// (so both algorithms run with three ranks), of lengths that do not divide into equal chunks.
/// Each rank's contribution is a function of (length, rank) that a test can recompute.
/// </summary>
public static class SumCheck
{
    public static readonly int[] Lengths = [1, 7, 16_384, 16_385, 100_003];

    /// <summary>Rank <paramref name="rank"/>'s contribution: Gaussians over five decades, so that the order of additions shows in the bits.</summary>
    public static float[] Contribution(int length, int rank)
    {
        var random = new SeededRandom((ulong)length * 31 + (ulong)rank);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = random.NextGaussian() * MathF.Pow(10, i % 5 - 2);
        return values;
    }

    public static void Record(MpiProcessGroup group, RunRecord record)
    {
        foreach (int length in Lengths)
        {
            float[] values = Contribution(length, group.Rank);
            group.SumInRankOrder(values, values);
            record.Add($"sum.{length}", values);
        }
    }
}
