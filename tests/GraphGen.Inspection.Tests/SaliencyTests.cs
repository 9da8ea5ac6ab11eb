extern alias heatmaps;

using heatmaps::GraphGen.Examples;
using heatmaps::GraphGen.Examples.Heatmaps;

namespace GraphGen.Inspection.Tests;

public class SaliencyTests
{
    private static readonly Lazy<(DigitsSaliencyNet Net, GraphGen.Data.DatasetSplits Data)> Trained = new(() =>
    {
        var data = TestData.Digits();
        var net = new DigitsSaliencyNet(batchCapacity: 256, seed: 0);
        HeatmapExplainer.Train(net, data, epochs: 10, seed: 0, TrainingProgress.Plain(TextWriter.Null), "digits");
        return (net, data);
    });

    [Fact]
    public void SaliencyIsTheAbsoluteInputGradientOfThePredictedClass()
    {
        var net = new TinyClassifier(batchCapacity: 4, seed: 5);
        var x = TestData.Uniform(6, 9);
        var map = new float[6];
        int predicted = Saliency.Map(net, x, map);

        var logits = new float[3];
        net.Forward(x, logits);
        Assert.Equal(GraphGen.Training.Metrics.ArgMax(logits), predicted);
        net.ComputeGradients(x, [predicted]);
        Assert.Equal(net.InputGradient.ToArray().Select(MathF.Abs), map);
        Assert.Contains(map, v => v > 0);
    }

    [Fact]
    public void InputGradientAgreesWithFiniteDifferencesOfTheLoss()
    {
        var net = new TinyClassifier(batchCapacity: 4, seed: 5);
        var x = TestData.Uniform(6, 9);
        var gradient = new float[6];
        Saliency.InputGradient(net, x, label: 2, gradient);
        const float h = 1e-2f;
        for (int i = 0; i < 6; i++)
        {
            var plus = x.ToArray(); plus[i] += h;
            var minus = x.ToArray(); minus[i] -= h;
            double numeric = ((double)net.ComputeLoss(plus, [2]) - net.ComputeLoss(minus, [2])) / (2 * h);
            Assert.Equal(numeric, gradient[i], 2e-3);
        }
    }

    [Fact]
    public void ExplanationHoldsEveryLayerAndTheSaliencyOfTheDecision()
    {
        var (net, data) = Trained.Value;
        var input = data.Test.FeaturesOf(0);
        var e = HeatmapExplainer.Explain(net, input, data.Test.LabelOf(0));
        Assert.Equal(["hidden1", "hidden2", "fc3"], e.Activations.Select(a => a.Tensor.Name));
        Assert.Equal([32, 16, 10], e.Activations.Select(a => a.Values.Length));
        Assert.Equal(GraphGen.Training.Metrics.ArgMax(e.Activations[^1].Values), e.Predicted);
        Assert.InRange(e.Confidence, 0.1f, 1f);
        var expected = new float[64];
        Saliency.Map(net, input, expected);
        Assert.Equal(expected, e.Saliency);
    }

    [Fact]
    public void HeatmapPicturesAreValidPngsOfTheExpectedSize()
    {
        var (net, data) = Trained.Value;
        string dir = TestData.TemporaryDirectory();
        try
        {
            var input = data.Test.FeaturesOf(3);
            var e = HeatmapExplainer.Explain(net, input, data.Test.LabelOf(3));
            var sheet = HeatmapExplainer.Sheet(e, input, 8, 8, pixelScale: 12);
            string sheetPath = Path.Combine(dir, "sheet.png");
            sheet.Save(sheetPath);
            TestData.AssertPng(sheetPath, sheet.Width, sheet.Height);
            Assert.True(sheet.Width > 6 * 8 * 12, "six pictures side by side");

            string overlayPath = Path.Combine(dir, "overlay.png");
            ActivationImages.SaliencyOverlay(input, e.Saliency, 8, 8, scale: 12).Save(overlayPath);
            TestData.AssertPng(overlayPath, 96, 96);

            string galleryPath = Path.Combine(dir, "gallery.png");
            HeatmapExplainer.SaliencyGallery(net, data.Test, 8, 8, 12).Save(galleryPath);
            var gallery = TestData.AssertPng(galleryPath);
            Assert.True(gallery.Width > 10 * 96 && gallery.Height > 2 * 96);

            var heatmap = HeatmapExplainer.LayerByClass(net, data.Test, "hidden1", "test");
            Assert.Equal((10, 32), (heatmap.Rows, heatmap.Columns));
            TestData.AssertSvg(heatmap.ToSvg());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void OverlayIsRedWhereTheSaliencyIsLargest()
    {
        var image = new float[4];
        var saliency = new float[] { 0, 0.5f, 1, 0 };
        var overlay = ActivationImages.SaliencyOverlay(image, saliency, 2, 2);
        Assert.Equal(new Imaging.Color(255, 0, 0), overlay.GetPixel(0, 1));
        Assert.Equal(new Imaging.Color(0, 0, 0), overlay.GetPixel(0, 0));
        Assert.Equal(new Imaging.Color(128, 0, 0), overlay.GetPixel(1, 0));
    }
}
