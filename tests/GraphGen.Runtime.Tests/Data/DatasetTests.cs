using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

public class DatasetTests
{
    // Three samples of shape [2]: sample i holds (10i, 10i + 1).
    private static Dataset Labelled() => new([0, 1, 10, 11, 20, 21], [2], [2, 0, 1], classCount: 3, ["a", "b", "c"]);

    private static Dataset Regression() => new([0, 1, 10, 11, 20, 21], [2], [0.5f, -1, 1.5f, -2, 2.5f, -3], targetSize: 2);

    [Fact]
    public void ExposesCountSizesAndSamples()
    {
        Dataset data = Labelled();
        Assert.Equal(3, data.Count);
        Assert.Equal(2, data.FeatureSize);
        Assert.True(data.HasLabels);
        Assert.Equal(0, data.TargetSize);
        Assert.Equal([10f, 11f], data.FeaturesOf(1).ToArray());
        Assert.Equal(1, data.LabelOf(2));

        Dataset regression = Regression();
        Assert.False(regression.HasLabels);
        Assert.Equal(0, regression.ClassCount);
        Assert.Equal([1.5f, -2f], regression.TargetsOf(1).ToArray());
    }

    [Fact]
    public void LabelsAndTargetsSayWhichKindTheDatasetIs()
    {
        Assert.Contains("use Targets", Assert.Throws<InvalidOperationException>(() => Regression().Labels).Message);
        Assert.Contains("use Labels", Assert.Throws<InvalidOperationException>(() => Labelled().Targets).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Labelled().FeaturesOf(3));
    }

    [Theory]
    [InlineData(new float[] { 1, 2, 3 }, new[] { 2 }, new[] { 0 }, 2, "3 feature values do not divide into samples of 2 ([2])")]
    [InlineData(new float[] { 1, 2, 3, 4 }, new[] { 2 }, new[] { 0 }, 2, "There are 2 samples but 1 labels")]
    [InlineData(new float[] { 1, 2, 3, 4 }, new[] { 2 }, new[] { 0, 2 }, 2, "Label 2 of sample 1 is outside [0, 2)")]
    [InlineData(new float[] { 1, 2, 3, 4 }, new[] { 2 }, new[] { -1, 0 }, 2, "Label -1 of sample 0 is outside [0, 2)")]
    [InlineData(new float[] { 1, 2, 3, float.NaN }, new[] { 2 }, new[] { 0, 1 }, 2, "Value 1 of sample 1 is NaN")]
    [InlineData(new float[] { 1, 2 }, new int[0], new[] { 0 }, 2, "at least one dimension")]
    [InlineData(new float[] { 1, 2 }, new[] { 2, 0 }, new[] { 0 }, 2, "has a dimension below 1")]
    public void ConstructorRejectsInconsistentClassificationData(float[] features, int[] shape, int[] labels, int classCount, string message)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new Dataset(features, shape, labels, classCount));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void ConstructorRejectsInconsistentRegressionDataAndClassNames()
    {
        Assert.Contains("so 4 targets were expected, but there are 3",
            Assert.Throws<ArgumentException>(() => new Dataset([1, 2], [1], [1f, 2f, 3f], targetSize: 2)).Message);
        Assert.Contains("Value 0 of sample 1 is Infinity; every value must be finite",
            Assert.Throws<ArgumentException>(() => new Dataset([1, 2], [1], [1f, float.PositiveInfinity], targetSize: 1)).Message);
        Assert.Contains("There are 2 classes but 1 class names",
            Assert.Throws<ArgumentException>(() => new Dataset([1], [1], [0], classCount: 2, ["only"])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset([1], [1], [0], classCount: 0));
    }

    [Fact]
    public void SubsetCopiesTheChosenSamplesInOrderWithRepeats()
    {
        Dataset subset = Labelled().Subset([2, 0, 2]);
        Assert.Equal([20f, 21f, 0f, 1f, 20f, 21f], subset.Features);
        Assert.Equal([1, 2, 1], subset.Labels);
        Assert.Equal(["a", "b", "c"], subset.ClassNames!);

        Dataset targets = Regression().Subset([1]);
        Assert.Equal([1.5f, -2f], targets.Targets);
        Assert.Throws<ArgumentOutOfRangeException>(() => Labelled().Subset([0, 3]));
    }

    [Fact]
    public void SliceAndTakeCopyConsecutiveSamples()
    {
        Dataset slice = Labelled().Slice(1, 2);
        Assert.Equal([10f, 11f, 20f, 21f], slice.Features);
        Assert.Equal([0, 1], slice.Labels);
        Assert.Equal(3, Labelled().Take(10).Count);
        Assert.Equal([0f, 1f], Labelled().Take(1).Features);
        Assert.Equal(0, Labelled().Slice(3, 0).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => Labelled().Slice(2, 2));
        Assert.Equal([2.5f, -3f], Regression().Slice(2, 1).Targets);
    }

    [Fact]
    public void WithFeatureShapeReshapesWithoutCopying()
    {
        Dataset data = new(new float[2 * 64], [64], [0, 1], classCount: 2);
        Dataset images = data.WithFeatureShape([1, 8, 8]);
        Assert.Equal([1, 8, 8], images.FeatureShape);
        Assert.Same(data.Features, images.Features);
        Assert.Contains("holds 63 values per sample, but the samples have 64",
            Assert.Throws<ArgumentException>(() => data.WithFeatureShape([7, 9])).Message);
    }

    [Fact]
    public void ScaleFeaturesMultipliesEveryValue()
    {
        Dataset scaled = Labelled().ScaleFeatures(0.5f);
        Assert.Equal([0f, 0.5f, 5f, 5.5f, 10f, 10.5f], scaled.Features);
        Assert.Equal([2, 0, 1], scaled.Labels);
        Assert.Equal([0f, 1f, 10f, 11f, 20f, 21f], Labelled().Features);
    }

    [Fact]
    public void ToStringSummarises()
    {
        Assert.Equal("Dataset: 3 samples of [2], 3 classes", Labelled().ToString());
        Assert.Equal("Dataset: 3 samples of [2], 2 target(s)", Regression().ToString());
    }
}
