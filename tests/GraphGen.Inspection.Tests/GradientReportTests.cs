extern alias gradientflow;

using gradientflow::GraphGen.Examples;
using gradientflow::GraphGen.Examples.GradientFlow;

namespace GraphGen.Inspection.Tests;

/// <summary>The report behind the GradientFlow example's plots flags the right layers.</summary>
public class GradientReportTests
{
    // Two epochs of the example (80 steps each) are enough for the pattern; shared by the tests.
    private static readonly Lazy<GradientFlowExperiment.Run[]> Runs = new(() =>
    {
        var data = GradientFlowExperiment.Digits(0);
        var quiet = TrainingProgress.Plain(TextWriter.Null);
        return
        [
            GradientFlowExperiment.Train("sigmoid", new DeepSigmoidMlp(256, 0), data, epochs: 2, seed: 0, learningRate: 0.05f, batchSize: 32, quiet),
            GradientFlowExperiment.Train("residual", new ResidualReluMlp(256, 0), data, epochs: 2, seed: 0, learningRate: 0.05f, batchSize: 32, quiet),
            GradientFlowExperiment.Train("doubling", new ScaledReluMlp(256, 0), data, epochs: 2, seed: 0, learningRate: 0.05f, batchSize: 32, quiet),
        ];
    });

    [Fact]
    public void SigmoidNetworksFirstLayersVanishAndTheResidualNetworksDoNot()
    {
        var sigmoid = Runs.Value[0].Report;
        var residual = Runs.Value[1].Report;
        Assert.Equal(13, sigmoid.Layers.Count);
        Assert.Equal(["layer0", "layer1", "layer2", "layer3", "layer4", "layer5", "layer6", "layer7", "layer8", "layer9", "layer10", "layer11", "output"],
            sigmoid.Layers.Select(l => l.Layer));
        foreach (string layer in new[] { "layer0", "layer1", "layer2", "layer3" })
            Assert.Equal(GradientStatus.Vanishing, sigmoid[layer].Status);
        Assert.Equal(GradientStatus.Healthy, sigmoid["output"].Status);
        Assert.Empty(residual.Vanishing);
        Assert.Empty(residual.Exploding);
        // The first layer of the sigmoid network gets at least a million times less gradient than its output layer.
        Assert.True(sigmoid["layer0"].RelativeToLargest < 1e-6, $"layer0 / largest = {sigmoid["layer0"].RelativeToLargest}");
        // Through the sigmoid stack the gradient shrinks at every layer; the residual one keeps it within 100×.
        for (int i = 1; i < 12; i++)
            Assert.True(sigmoid[$"layer{i - 1}"].MedianGradientNorm < sigmoid[$"layer{i}"].MedianGradientNorm);
        Assert.True(residual.Layers.Min(l => l.RelativeToLargest) > 1e-2);
    }

    [Fact]
    public void DoublingNetworkExplodes()
    {
        var doubling = Runs.Value[2];
        Assert.Equal(doubling.Report.Layers.Count, doubling.Report.Exploding.Count());
        Assert.Contains(doubling.History.Epochs, e => !double.IsFinite(e.Train.Loss));
    }

    [Fact]
    public void ReportCsvHasOneRowPerLayerWithItsStatus()
    {
        var report = Runs.Value[0].Report;
        var lines = report.ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("layer,parameters,median_gradient_norm,max_gradient_norm,last_gradient_norm,median_update_ratio,relative_to_largest,status", lines[0]);
        Assert.Equal(14, lines.Length);
        Assert.StartsWith("layer0,2080,", lines[1]);
        Assert.EndsWith(",vanishing", lines[1]);
        Assert.EndsWith(",healthy", lines[^1]);
        Assert.Contains("vanishing (median below 0.001 of the largest): layer0, layer1", report.ToString());
    }

    [Fact]
    public void PerLayerBarChartIsWellFormedSvgWithBothNetworks()
    {
        var svg = GradientPlots.GradientNormPerLayer(Runs.Value[..2]).ToSvg();
        var document = TestData.AssertSvg(svg);
        var texts = document.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains("sigmoid", texts);
        Assert.Contains("residual", texts);
        Assert.Contains("layer0", texts);
        TestData.AssertSvg(GradientPlots.FirstAndLastLayerBySteps(Runs.Value[..2]).ToSvg());
    }

    [Theory]
    [InlineData(1e-2, 1e-2, 1.0, GradientStatus.Healthy)]
    [InlineData(1e-4, 1e-3, 1.0, GradientStatus.Vanishing)]      // below 1e-3 of the largest layer
    [InlineData(2e-3, 5e-3, 1.0, GradientStatus.Healthy)]
    [InlineData(0.0, 0.0, 0.0, GradientStatus.Vanishing)]         // every layer dead: below the absolute floor
    [InlineData(5.0, 2e3, 5.0, GradientStatus.Exploding)]         // one step above 1e3
    [InlineData(5.0, double.NaN, 5.0, GradientStatus.Exploding)]
    [InlineData(5.0, double.PositiveInfinity, 5.0, GradientStatus.Exploding)]
    public void ThresholdsClassifyLayers(double median, double max, double largestMedian, GradientStatus expected)
    {
        Assert.Equal(expected, new GradientThresholds().Classify(median, max, largestMedian));
    }

    [Theory]
    [InlineData("layer3.weight", "layer3")]
    [InlineData("block.2.fc.bias", "block.2.fc")]
    [InlineData("scale", "scale")]
    public void LayerIsTheNameBeforeTheLastDot(string parameter, string layer) => Assert.Equal(layer, LayerGradients.LayerOf(parameter));

    [Fact]
    public void AReportNeedsRecordedSteps()
    {
        var monitor = new GradientMonitor(new TinyClassifier(4, 0));
        Assert.Throws<InvalidOperationException>(() => monitor.Report());
    }
}
