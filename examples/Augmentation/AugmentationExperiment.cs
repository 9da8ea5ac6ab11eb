using GraphGen.Data;
using GraphGen.Imaging;
using GraphGen.Training;

namespace GraphGen.Examples.Augmentation;

/// <summary>A classifier trained on clean digits against one trained with augmentation, tested on noisier and noisier digits; shared by the program and the tests.</summary>
public static class AugmentationExperiment
{
    /// <summary>The 8×8 digits as 1×8×8 images.</summary>
    public static readonly ImageLayout Layout = new(1, 8, 8);

    /// <summary>The noise levels of the test: σ of Gaussian noise added to every pixel (pixels in [0, 1]).</summary>
    public static readonly float[] NoiseLevels = [0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f];

    /// <summary>The training-time augmentation against noise: noise of a random σ up to 0.6 on every pixel, clamped to [0, 1].</summary>
    public static AugmentationPipeline Training() => new(Layout,
        new GaussianNoise(0.6f) { VaryLevel = true, Min = 0, Max = 1 });

    /// <summary>
    /// The same noise after a shift of up to one pixel and a rotation of up to 10°: on an 8×8
    /// digit a pixel is an eighth of the picture, so this changes the digits far more than it seems.
    /// </summary>
    public static AugmentationPipeline Geometric() => new(Layout,
        new RandomShift(1), new RandomRotation(10), new GaussianNoise(0.6f) { VaryLevel = true, Min = 0, Max = 1 });

    /// <summary>The digits split 70/15/15 by class, pixels in [0, 1], shaped 1×8×8.</summary>
    public static DatasetSplits Digits(int seed)
    {
        var split = DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), 0.7, 0.15, (ulong)seed);
        int[] shape = [1, 8, 8];
        return new DatasetSplits(split.Train.WithFeatureShape(shape), split.Validation.WithFeatureShape(shape), split.Test.WithFeatureShape(shape));
    }

    /// <summary>Trains a fresh network with Adam, with or without <paramref name="augmentation"/>.</summary>
    public static SmallConvNet Train(DatasetSplits data, AugmentationPipeline? augmentation, int epochs, int seed, TrainingProgress progress, string label)
    {
        var network = new SmallConvNet(batchCapacity: 512, seed: seed);
        var trainer = new Trainer<int>(network, new Adam(2e-3f), data.Train, batchSize: 32, (ulong)seed, augmentation);
        progress.Run(trainer, data.Train, epochs, data.Validation, label);
        return network;
    }

    /// <summary>Test accuracy at each noise level; the noisy test sets come from a fixed seed, so both networks see the same noisy images.</summary>
    public static double[] AccuracyAgainstNoise(SmallConvNet network, Dataset test, int seed) =>
        [.. NoiseLevels.Select(sigma => Trainer<int>.Evaluate(network, Noisy(test, sigma, seed)).Accuracy)];

    /// <summary>The test set with noise of standard deviation <paramref name="sigma"/> on every pixel, clamped to [0, 1].</summary>
    public static Dataset Noisy(Dataset test, float sigma, int seed) =>
        sigma == 0 ? test : new AugmentationPipeline(Layout, new GaussianNoise(sigma) { Min = 0, Max = 1 }).Augment(test, (ulong)seed + 1000);

    /// <summary>Accuracy against σ, one line per network.</summary>
    public static LinePlot NoisePlot(IReadOnlyList<(string Label, double[] Accuracy)> runs)
    {
        var plot = new LinePlot { Title = "Test accuracy on noisy digits", XLabel = "σ of the noise added to every pixel (pixels in [0, 1])", YLabel = "test accuracy", YLimits = new ValueRange(0, 1) };
        foreach (var (label, accuracy) in runs)
            plot.Add(label, [.. NoiseLevels.Select(s => (double)s)], accuracy, markers: true);
        return plot;
    }

    /// <summary>
    /// The first test digits, a row each: as they are; with noise of σ = 0.2, 0.4, 0.6; as two
    /// epochs of the noise augmentation and one of the geometric one see them. Each row starts with its label.
    /// </summary>
    public static Image Samples(Dataset test, int seed, int count = 8)
    {
        var grid = new ImageGrid(columns: count + 1) { Margin = 3 };
        void Row(Dataset data, string label)
        {
            grid.Add(BitmapFont.Render(label));
            for (int i = 0; i < count; i++) grid.Add(Image.FromGray(data.FeaturesOf(i), 8, 8, 0, 1).Scale(8));
        }
        Row(test, "clean");
        foreach (float sigma in new[] { 0.2f, 0.4f, 0.6f }) Row(Noisy(test, sigma, seed), $"σ={sigma:0.0}");
        for (int epoch = 0; epoch < 2; epoch++) Row(Training().Augment(test, (ulong)seed, epoch), $"noise {epoch + 1}");
        Row(Geometric().Augment(test, (ulong)seed), "geom.");
        return grid.Render();
    }
}
