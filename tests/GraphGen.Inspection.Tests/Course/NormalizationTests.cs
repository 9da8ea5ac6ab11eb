extern alias normalization;

using normalization::GraphGen.Examples;
using normalization::GraphGen.Examples.Normalization;

namespace GraphGen.Inspection.Tests.Course;

public class NormalizationTests
{
    private static readonly Lazy<List<NormalizationExperiment.Run>> Runs = new(() =>
    {
        var data = NormalizationExperiment.Digits(0, trainSamples: 300);
        return [.. NormalizationExperiment.Networks(0).Select(n => NormalizationExperiment.Train(n.Label, n.Network, data, epochs: 4, seed: 0, 0.05f, 32, TrainingProgress.Plain(TextWriter.Null)))];
    });

    [Fact]
    public void BatchNormDependsOnTheBatchInTrainingModeOnly()
    {
        var run = Runs.Value.Single(r => r.Label == "batchnorm");
        var network = (BatchNormNet)run.Network;
        var state = network.State.ToArray();
        var modes = NormalizationExperiment.CompareModes(network, TestData.Digits().Test, batchSize: 32);
        Assert.True(modes.TrainingModeDifference > 1e-3, $"training mode: {modes.TrainingModeDifference}");
        Assert.Equal(0, modes.InferenceModeDifference);
        Assert.Equal(state, network.State.ToArray());   // the comparison ran on a copy
    }

    [Fact]
    public void BatchNormTrainsFasterThanThePlainNetworkUnderPlainSgd()
    {
        var runs = Runs.Value;
        double Validation(string label) => runs.Single(r => r.Label == label).History.Epochs[^1].Validation!.Value.Loss;
        Assert.True(Validation("batchnorm") < Validation("plain"), $"batchnorm {Validation("batchnorm")}, plain {Validation("plain")}");
        Assert.Equal(300, runs[0].Train.Samples);
    }

    [Fact]
    public void PlotsShowEveryVariant()
    {
        var runs = Runs.Value;
        var curves = NormalizationExperiment.ValidationLoss(runs);
        Assert.Equal(["plain", "batchnorm", "layernorm", "dropout"], curves.Series.Select(s => s.Name));
        Assert.Equal(runs[3].History.Epochs.Select(e => e.Validation!.Value.Loss), curves.Series[3].Y);
        TestData.AssertSvg(curves.ToSvg());
        var gap = NormalizationExperiment.Gap(runs);
        Assert.Equal(runs.Select(r => r.Train.Loss), gap.Series[0].Values);
        Assert.Equal(runs.Select(r => r.Validation.Loss), gap.Series[1].Values);
        TestData.AssertSvg(gap.ToSvg());
    }
}
