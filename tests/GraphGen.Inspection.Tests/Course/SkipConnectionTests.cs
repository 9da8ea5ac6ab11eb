extern alias denseblocks;

using denseblocks::GraphGen.Examples;
using denseblocks::GraphGen.Examples.DenseBlocks;

namespace GraphGen.Inspection.Tests.Course;

public class SkipConnectionTests
{
    private static readonly Lazy<List<SkipExperiment.Run>> Runs = new(() =>
        [.. SkipExperiment.Networks(0).Select(n => SkipExperiment.Train(n.Label, n.Network, TestData.Digits(), epochs: 3, seed: 0, 0.1f, 32, TrainingProgress.Plain(TextWriter.Null)))]);

    [Fact]
    public void WithoutSkipsTheGradientVanishesAndWithThemItReachesTheStem()
    {
        var runs = Runs.Value;
        double Ratio(SkipExperiment.Run run) => run.Report["stem"].MedianGradientNorm / run.Report["output"].MedianGradientNorm;
        Assert.True(Ratio(runs[0]) < 1e-3, $"plain: stem/output {Ratio(runs[0])}");
        Assert.True(Ratio(runs[1]) > 1e-2, $"residual: stem/output {Ratio(runs[1])}");
        Assert.True(Ratio(runs[2]) > 1e-2, $"dense block: stem/output {Ratio(runs[2])}");
        Assert.Contains(runs[0].Report.Vanishing, l => l.Layer == "stem");
        Assert.Empty(runs[1].Report.Vanishing);
        Assert.Empty(runs[2].Report.Vanishing);
    }

    [Fact]
    public void DenseBlockFeedsEachLayerEveryEarlierOutput()
    {
        var network = new DenseBlockMlp(batchCapacity: 1, seed: 0);
        // layer i reads the stem and the i earlier layers: 16·(i + 1) inputs; the classifier all 9 blocks of 16.
        for (int i = 0; i < Depth.Layers; i++)
            Assert.Equal([Depth.Width, Depth.Width * (i + 1)], network.ParameterTable[$"layer{i}.weight"].Shape);
        Assert.Equal([10, Depth.Width * (Depth.Layers + 1)], network.ParameterTable["output.weight"].Shape);
    }

    [Fact]
    public void PlotsHaveABarPerLayerAndALinePerNetwork()
    {
        var runs = Runs.Value;
        var bars = SkipExperiment.GradientNormPerLayer(runs);
        Assert.Equal(["stem", .. Enumerable.Range(0, Depth.Layers).Select(i => $"layer{i}"), "output"], bars.Categories);
        Assert.Equal(3, bars.Series.Count);
        Assert.Equal(runs[0].Report["stem"].MedianGradientNorm, bars.Series[0].Values[0]);
        TestData.AssertSvg(bars.ToSvg());
        var accuracy = SkipExperiment.AccuracyByEpoch(runs);
        Assert.Equal(3, accuracy.Series.Count);
        Assert.Equal(runs[2].History.Epochs[^1].Validation!.Value.Accuracy, accuracy.Series[2].Y[^1]);
        TestData.AssertSvg(accuracy.ToSvg());
    }
}
