extern alias augmentation;

using augmentation::GraphGen.Examples;
using augmentation::GraphGen.Examples.Augmentation;

namespace GraphGen.Inspection.Tests.Course;

public class AugmentationExperimentTests
{
    [Fact]
    public void NoisyTestSetsAreFixedBySeedAndLevel()
    {
        var test = AugmentationExperiment.Digits(0).Test;
        Assert.Same(test, AugmentationExperiment.Noisy(test, 0, 0));
        var a = AugmentationExperiment.Noisy(test, 0.3f, 0);
        Assert.Equal(a.Features, AugmentationExperiment.Noisy(test, 0.3f, 0).Features);
        Assert.NotEqual(a.Features, AugmentationExperiment.Noisy(test, 0.3f, 1).Features);
        Assert.All(a.Features, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(test.Labels, a.Labels);
    }

    [Fact]
    public void AccuracyFallsWithNoiseAndThePicturesAreValid()
    {
        var data = AugmentationExperiment.Digits(0);
        var network = AugmentationExperiment.Train(data, AugmentationExperiment.Training(), epochs: 3, seed: 0, TrainingProgress.Plain(TextWriter.Null), "noise");
        var accuracy = AugmentationExperiment.AccuracyAgainstNoise(network, data.Test, 0);
        Assert.Equal(AugmentationExperiment.NoiseLevels.Length, accuracy.Length);
        Assert.Equal(GraphGen.Training.Trainer<int>.Evaluate(network, data.Test).Accuracy, accuracy[0]);
        Assert.True(accuracy[0] > 0.8, $"clean accuracy {accuracy[0]}");
        Assert.True(accuracy[^1] < accuracy[0]);
        var plot = AugmentationExperiment.NoisePlot([("noise", accuracy)]);
        Assert.Equal(accuracy, plot.Series[0].Y);
        TestData.AssertSvg(plot.ToSvg());

        string path = Path.Combine(TestData.TemporaryDirectory(), "samples.png");
        try
        {
            var samples = AugmentationExperiment.Samples(data.Test, 0);
            samples.Save(path);
            TestData.AssertPng(path, samples.Width, samples.Height);
            Assert.True(samples.Height > 7 * 64, "seven rows of 64-pixel digits");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
