using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

public class FeatureScalingTests
{
    // Feature 0: 1, 2, 3, 6 (mean 3, population σ √3.5); feature 1: constant 5.
    private static Dataset Train() => new([1, 5, 2, 5, 3, 5, 6, 5], [2], [0, 1, 0, 1], classCount: 2);

    [Fact]
    public void StandardizerMeasuresMeanAndPopulationStandardDeviation()
    {
        Standardizer scaler = Standardizer.Fit(Train());
        Assert.Equal([3f, 5f], scaler.Mean.ToArray());
        Assert.Equal(MathF.Sqrt(3.5f), scaler.StandardDeviation[0], 6);
        Assert.Equal(0f, scaler.StandardDeviation[1]);
    }

    [Fact]
    public void StandardizedTrainingFeaturesHaveZeroMeanAndUnitDeviationAndConstantsAreCentred()
    {
        Dataset scaled = Standardizer.Fit(Train()).Transform(Train());
        float[] f0 = [.. Enumerable.Range(0, 4).Select(i => scaled.FeaturesOf(i)[0])];
        Assert.Equal(0, f0.Average(), 6);
        Assert.Equal(1, Math.Sqrt(f0.Select(v => v * v).Average()), 6);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(0f, scaled.FeaturesOf(i)[1]));
        Assert.Equal([0, 1, 0, 1], scaled.Labels);
    }

    [Fact]
    public void OtherSetsUseTheTrainingStatistics()
    {
        Standardizer scaler = Standardizer.Fit(Train());
        Dataset test = new([3 + MathF.Sqrt(3.5f), 7], [2], [1], classCount: 2);
        float[] scaled = scaler.Transform(test).Features;
        Assert.Equal(1f, scaled[0], 5);
        Assert.Equal(2f, scaled[1]); // constant feature: only centred, 7 − 5

        float[] batch = [3, 5, 3 - MathF.Sqrt(3.5f), 4];
        scaler.TransformInPlace(batch);
        Assert.Equal([0f, 0f], batch[..2]);
        Assert.Equal(-1f, batch[2], 5);
        Assert.Equal(-1f, batch[3]);
    }

    [Fact]
    public void StandardizerOnARealTrainingSplit()
    {
        DatasetSplits split = DatasetSplit.StratifiedSplit(Datasets.BreastCancer(), 0.7, 0.15, seed: 4);
        Standardizer scaler = Standardizer.Fit(split.Train);
        Dataset train = scaler.Transform(split.Train);
        for (int j = 0; j < train.FeatureSize; j++)
        {
            double[] column = [.. Enumerable.Range(0, train.Count).Select(i => (double)train.FeaturesOf(i)[j])];
            double mean = column.Average();
            Assert.Equal(0, mean, 4);
            Assert.Equal(1, Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Average()), 4);
        }
        Assert.NotEqual(0, scaler.Transform(split.Test).Features.Average(), 6);
    }

    [Fact]
    public void ScalersRejectAnotherFeatureSize()
    {
        Dataset wide = new(new float[3], [3], [0], classCount: 1);
        Assert.Contains("fitted on samples of 2 features, but these have 3", Assert.Throws<ArgumentException>(() => Standardizer.Fit(Train()).Transform(wide)).Message);
        Assert.Throws<ArgumentException>(() => MinMaxScaler.Fit(Train()).Transform(wide));
        Assert.Throws<ArgumentException>(() => Standardizer.Fit(Train()).TransformInPlace(new float[3]));
        Assert.Throws<ArgumentException>(() => Standardizer.Fit(new Dataset([], [2], [], classCount: 1)));
        Assert.Throws<ArgumentException>(() => new Standardizer([0f], [-1f]));
    }

    [Fact]
    public void MinMaxScalerMapsTheTrainingRangeToZeroOne()
    {
        MinMaxScaler scaler = MinMaxScaler.Fit(Train());
        Assert.Equal([1f, 5f], scaler.Minimum.ToArray());
        Assert.Equal([6f, 5f], scaler.Maximum.ToArray());
        Assert.Equal([0f, 0f, 0.2f, 0f, 0.4f, 0f, 1f, 0f], scaler.Transform(Train()).Features);

        float[] outside = [11, 9];
        scaler.TransformInPlace(outside);
        Assert.Equal([2f, 4f], outside);
    }
}
