using System.Globalization;
using GraphGen.Data;
using GraphGen.Imaging;
using GraphGen.Inspection;
using GraphGen.Training;

namespace GraphGen.Examples.Heatmaps;

/// <summary>What one input looks like inside a network: every layer's activations, the prediction and the saliency map.</summary>
public sealed record Explanation(int Label, int Predicted, float Confidence, IReadOnlyList<RecordedActivation> Activations, float[] Saliency);

/// <summary>Explains single inputs of a trained network with pictures; shared by the program and the tests.</summary>
public static class HeatmapExplainer
{
    /// <summary>Records the activations of <paramref name="input"/> and computes its saliency map.</summary>
    public static Explanation Explain<TNetwork>(TNetwork network, ReadOnlySpan<float> input, int label)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
    {
        var recorder = new ActivationRecorder();
        var logits = new float[network.OutputSize];
        network.Forward(input, logits, recorder);
        // The confidence is softmax(logits)[predicted] = 1 / Σ_j e^(z_j − z_predicted).
        var saliency = new float[network.InputSize];
        int predicted = Saliency.Map(network, input, saliency);
        double sum = 0;
        foreach (float z in logits) sum += Math.Exp(z - logits[predicted]);
        return new Explanation(label, predicted, (float)(1 / sum), [.. recorder.Activations], saliency);
    }

    /// <summary>
    /// One row of pictures: the input, each layer's activations (as heatmaps, each on its own
    /// colour scale), the saliency map and the saliency laid over the input, with captions.
    /// </summary>
    public static Image Sheet(Explanation e, ReadOnlySpan<float> input, int width, int height, int pixelScale)
    {
        int cell = Math.Max(4, pixelScale * width / 8);
        var grid = new ImageGrid(columns: e.Activations.Count + 3) { Margin = 6 };
        grid.Add(Image.FromGray(input, width, height, 0, 1).Scale(pixelScale), $"input: {e.Label}");
        foreach (var a in e.Activations)
            grid.Add(ActivationImages.Heatmap(a.Values, a.Tensor.Shape, cell), $"{a.Tensor.Name} [{a.Tensor.Size}]");
        var range = ValueRange.Of(e.Saliency);
        grid.Add(Image.FromValues(e.Saliency, width, height, ColorMap.Viridis, 0, Math.Max(range.Max, 1e-30)).Scale(pixelScale), "saliency");
        grid.Add(ActivationImages.SaliencyOverlay(input, e.Saliency, width, height, scale: pixelScale),
            string.Create(CultureInfo.InvariantCulture, $"pred {e.Predicted} ({e.Confidence:F2})"));
        return grid.Render();
    }

    /// <summary>
    /// Inputs and saliency maps of the first test image of every class, in two rows: what the
    /// network looks at for each digit.
    /// </summary>
    public static Image SaliencyGallery<TNetwork>(TNetwork network, Dataset test, int width, int height, int pixelScale)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
    {
        var grid = new ImageGrid(columns: test.ClassCount) { Margin = 4 };
        var explained = FirstOfEachClass(test).Select(i => (Index: i, E: Explain(network, test.FeaturesOf(i), test.LabelOf(i)))).ToList();
        foreach (var (i, e) in explained)
            grid.Add(Image.FromGray(test.FeaturesOf(i), width, height, 0, 1).Scale(pixelScale), $"{e.Label}");
        foreach (var (i, e) in explained)
            grid.Add(ActivationImages.SaliencyOverlay(test.FeaturesOf(i), e.Saliency, width, height, scale: pixelScale), $"pred {e.Predicted}");
        return grid.Render();
    }

    /// <summary>
    /// A heatmap of one layer over classes: a row per class (its first test image), a column
    /// per unit, so units that fire for one digit only stand out as bright single cells.
    /// </summary>
    public static Heatmap LayerByClass(INetwork network, Dataset test, string tensorName, string title)
    {
        var recorder = new ActivationRecorder();
        var output = new float[network.OutputSize];
        var rows = new List<float[]>();
        foreach (int i in FirstOfEachClass(test))
        {
            network.Forward(test.FeaturesOf(i), output, recorder);
            rows.Add(recorder[tensorName].Values.ToArray());
        }
        int units = rows[0].Length;
        return new Heatmap(rows.SelectMany(r => r).ToArray(), rows.Count, units)
        {
            Title = title,
            XLabel = $"unit of {tensorName}",
            YLabel = "digit",
            RowLabels = [.. Enumerable.Range(0, rows.Count).Select(c => c.ToString(CultureInfo.InvariantCulture))],
            ColorBarLabel = "activation",
            Width = Math.Max(480, 120 + units * 14),
        };
    }

    /// <summary>The index of the first sample of every class, in class order.</summary>
    public static int[] FirstOfEachClass(Dataset data) =>
        [.. Enumerable.Range(0, data.ClassCount).Select(c => Array.IndexOf(data.Labels, c)).Where(i => i >= 0)];

    /// <summary>Trains a network with Adam; prints through <paramref name="progress"/>.</summary>
    public static Evaluation Train(ITrainableNetwork<int> network, DatasetSplits data, int epochs, int seed, TrainingProgress progress, string label)
    {
        var trainer = new Trainer<int>(network, new Adam(1e-3f), data.Train, batchSize: 64, (ulong)seed);
        progress.Run(trainer, data.Train, epochs, data.Validation, label);
        return Trainer<int>.Evaluate(network, data.Test);
    }
}
