namespace GraphGen.Distributed.Tests;

public sealed class BatchShardTests
{
    [Theory]
    [InlineData(24, 2)]
    [InlineData(11, 2)]
    [InlineData(11, 3)]
    [InlineData(2, 5)]
    [InlineData(0, 3)]
    [InlineData(1000, 7)]
    public void ShardsTileTheBatchInRankOrderAndDifferByAtMostOneRow(int batch, int ranks)
    {
        var shards = Enumerable.Range(0, ranks).Select(r => BatchShard.Of(batch, r, ranks)).ToArray();
        Assert.Equal(0, shards[0].Start);
        for (int r = 1; r < ranks; r++) Assert.Equal(shards[r - 1].End, shards[r].Start);
        Assert.Equal(batch, shards[^1].End);
        Assert.True(shards.Max(s => s.Count) - shards.Min(s => s.Count) <= 1);
    }

    [Fact]
    public void APartialBatchSmallerThanTheGroupLeavesSomeRanksEmpty()
    {
        Assert.Equal([0, 1, 0, 1], Enumerable.Range(0, 4).Select(r => BatchShard.Of(2, r, 4).Count));
        Assert.Equal(new BatchShard(1, 1), BatchShard.Of(2, 3, 4));
    }

    [Fact]
    public void RowsCutsWholeSamples()
    {
        int[] labels = [.. Enumerable.Range(0, 10)];   // 5 samples, 2 labels each
        Assert.Equal([4, 5, 6, 7, 8, 9], BatchShard.Of(5, 1, 2).Rows<int>(labels, 2).ToArray());   // rows 2, 3, 4
    }

    [Fact]
    public void WeightsAreSharesOfWhatTheLossAverages()
    {
        Assert.Equal(0.5f, BatchShard.Weight(12, 24));
        Assert.Equal(6f / 11, BatchShard.Weight(6, 11));
        Assert.Equal(0f, BatchShard.Weight(0, 0));   // nothing scored: no contribution
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchShard.Weight(5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchShard.Of(10, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchShard.Of(10, 0, 0));
    }
}
