using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

public class DatasetSplitTests
{
    // Sample i has the single feature i, so a split's samples can be traced back.
    private static Dataset Numbered(int count, int classCount = 3) => new(
        Enumerable.Range(0, count).Select(i => (float)i).ToArray(), [1],
        Enumerable.Range(0, count).Select(i => i % classCount).ToArray(), classCount);

    private static int[] Ids(Dataset part) => part.Features.Select(f => (int)f).ToArray();

    [Fact]
    public void SplitIsTheSeededShuffleCutAtTheFractions()
    {
        DatasetSplits split = DatasetSplit.Split(Numbered(100), 0.7, 0.15, seed: 42);

        int[] order = Enumerable.Range(0, 100).ToArray();
        new SeededRandom(42).Shuffle<int>(order);
        Assert.Equal(order[..70], Ids(split.Train));
        Assert.Equal(order[70..85], Ids(split.Validation));
        Assert.Equal(order[85..], Ids(split.Test));
        Assert.Equal(split.Train.Features.Select(f => (int)f % 3), split.Train.Labels);
    }

    [Fact]
    public void SplitIsDeterministicDisjointAndCovering()
    {
        Dataset data = Numbered(101);
        DatasetSplits a = DatasetSplit.Split(data, 0.6, 0.2, seed: 7);
        DatasetSplits b = DatasetSplit.Split(data, 0.6, 0.2, seed: 7);
        DatasetSplits other = DatasetSplit.Split(data, 0.6, 0.2, seed: 8);

        Assert.Equal(Ids(a.Train), Ids(b.Train));
        Assert.Equal(Ids(a.Test), Ids(b.Test));
        Assert.NotEqual(Ids(a.Train), Ids(other.Train));
        Assert.Equal((61, 20, 20), (a.Train.Count, a.Validation.Count, a.Test.Count));
        Assert.Equal(Enumerable.Range(0, 101), Ids(a.Train).Concat(Ids(a.Validation)).Concat(Ids(a.Test)).Order());
    }

    [Fact]
    public void FractionsAddingUpToOneLeaveTheTestPartEmpty()
    {
        DatasetSplits split = DatasetSplit.Split(Numbered(10), 0.7, 0.3, seed: 1);
        Assert.Equal((7, 3, 0), (split.Train.Count, split.Validation.Count, split.Test.Count));
    }

    [Fact]
    public void RegressionDataSplitsToo()
    {
        DatasetSplits split = DatasetSplit.Split(Datasets.Diabetes(), 0.8, 0.1, seed: 3);
        Assert.Equal((354, 44, 44), (split.Train.Count, split.Validation.Count, split.Test.Count));
        Assert.Equal(1, split.Test.TargetSize);
    }

    [Theory]
    [InlineData(-0.1, 0.1)]
    [InlineData(0.5, 1.5)]
    [InlineData(0.8, 0.3)]
    [InlineData(double.NaN, 0.1)]
    public void InvalidFractionsAreRejected(double train, double validation)
    {
        Assert.ThrowsAny<ArgumentException>(() => DatasetSplit.Split(Numbered(10), train, validation, seed: 1));
    }

    [Fact]
    public void StratifiedSplitKeepsClassProportions()
    {
        Dataset digits = Datasets.Digits();
        DatasetSplits split = DatasetSplit.StratifiedSplit(digits, 0.7, 0.15, seed: 5);
        for (int c = 0; c < 10; c++)
        {
            int n = digits.Labels.Count(l => l == c);
            int train = (int)Math.Round(0.7 * n, MidpointRounding.AwayFromZero);
            int validation = (int)Math.Round(0.85 * n, MidpointRounding.AwayFromZero) - train;
            Assert.Equal(train, split.Train.Labels.Count(l => l == c));
            Assert.Equal(validation, split.Validation.Labels.Count(l => l == c));
            Assert.Equal(n - train - validation, split.Test.Labels.Count(l => l == c));
        }
    }

    [Fact]
    public void StratifiedSplitOfIrisIsExactAndInterleaved()
    {
        DatasetSplits split = DatasetSplit.StratifiedSplit(Datasets.Iris(), 0.6, 0.2, seed: 11);
        Assert.All(Enumerable.Range(0, 3), c =>
        {
            Assert.Equal(30, split.Train.Labels.Count(l => l == c));
            Assert.Equal(10, split.Validation.Labels.Count(l => l == c));
            Assert.Equal(10, split.Test.Labels.Count(l => l == c));
        });
        // Shuffled after stratifying: the first 30 training samples are not all one class.
        Assert.True(split.Train.Labels.Take(30).Distinct().Count() > 1);
    }

    [Fact]
    public void StratifiedSplitIsDeterministicDisjointAndCovering()
    {
        Dataset data = Numbered(97, classCount: 4);
        DatasetSplits a = DatasetSplit.StratifiedSplit(data, 0.5, 0.25, seed: 2);
        DatasetSplits b = DatasetSplit.StratifiedSplit(data, 0.5, 0.25, seed: 2);
        Assert.Equal(Ids(a.Train), Ids(b.Train));
        Assert.Equal(Ids(a.Validation), Ids(b.Validation));
        Assert.Equal(Enumerable.Range(0, 97), Ids(a.Train).Concat(Ids(a.Validation)).Concat(Ids(a.Test)).Order());
    }

    [Fact]
    public void StratifiedSplitNeedsLabels()
    {
        Assert.Contains("needs class labels", Assert.Throws<ArgumentException>(() => DatasetSplit.StratifiedSplit(Datasets.Diabetes(), 0.8, 0.1, 1)).Message);
    }
}
