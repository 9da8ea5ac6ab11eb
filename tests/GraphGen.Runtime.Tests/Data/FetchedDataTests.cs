using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

/// <summary>The fetched datasets, when present: sizes and known values of the real files.</summary>
public class FetchedDataTests
{
    private static int[] ClassCounts(Dataset data) =>
        [.. Enumerable.Range(0, data.ClassCount).Select(c => data.Labels.Count(l => l == c))];

    [FetchedDataFact("mnist", "mnist/train-images-idx3-ubyte", "mnist/train-labels-idx1-ubyte")]
    public void MnistTrainingSetHas60000ImagesWithTheirKnownClassCounts()
    {
        Dataset train = Datasets.Mnist(train: true);
        Assert.Equal(60000, train.Count);
        Assert.Equal([1, 28, 28], train.FeatureShape);
        Assert.Equal([5, 0, 4, 1, 9], train.Labels[..5]);
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], ClassCounts(train));
        Assert.Equal(27525f / 255f, train.FeaturesOf(0).ToArray().Sum(), 2);
        Assert.Equal(1f, train.Features.Max());
        Assert.Equal(0f, train.Features.Min());
    }

    [FetchedDataFact("mnist", "mnist/t10k-images-idx3-ubyte", "mnist/t10k-labels-idx1-ubyte")]
    public void MnistTestSetHas10000Images()
    {
        Dataset test = Datasets.Mnist(train: false);
        Assert.Equal(10000, test.Count);
        Assert.Equal([7, 2, 1, 0, 4], test.Labels[..5]);
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], ClassCounts(test));
    }

    [FetchedDataFact("fashion-mnist", "fashion-mnist/train-images-idx3-ubyte.gz", "fashion-mnist/train-labels-idx1-ubyte.gz", "fashion-mnist/t10k-images-idx3-ubyte.gz", "fashion-mnist/t10k-labels-idx1-ubyte.gz")]
    public void FashionMnistIsBalancedAndNamed()
    {
        Dataset train = Datasets.FashionMnist(train: true);
        Dataset test = Datasets.FashionMnist(train: false);
        Assert.Equal([1, 28, 28], train.FeatureShape);
        Assert.All(ClassCounts(train), count => Assert.Equal(6000, count));
        Assert.All(ClassCounts(test), count => Assert.Equal(1000, count));
        Assert.Equal([9, 0, 0, 3, 0], train.Labels[..5]);
        Assert.Equal("Ankle boot", train.ClassNames![train.Labels[0]]);
    }

    [FetchedDataFact("text", "text/moby-dick.txt", "text/names-female.txt", "text/names-male.txt")]
    public void TextCorporaHaveTheirKnownSizes()
    {
        string moby = Datasets.MobyDick();
        Assert.Equal(1190317, moby.Length);
        Assert.StartsWith("CHAPTER 1. Loomings.\n\nCall me Ishmael.", moby);
        Assert.Equal(83, moby.Distinct().Count());

        IReadOnlyList<string> names = Datasets.Names();
        Assert.Equal(8422, names.Count);
        Assert.Equal("Aaren", names[0]);
    }
}
