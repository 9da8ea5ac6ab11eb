using GraphGen.Data;
using GraphGen.Imaging;
using GraphGen.Training;

namespace GraphGen.Examples.Losses;

/// <summary>The three trainings of the example and their pictures; shared by the program and the tests.</summary>
public static class LossExperiments
{
    /// <summary>The digits split 70/15/15 by class, pixels in [0, 1].</summary>
    public static DatasetSplits Digits(int seed) =>
        DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), 0.7, 0.15, (ulong)seed);

    /// <summary>The same images with themselves as targets, for the reconstruction losses.</summary>
    public static Dataset AsTargets(Dataset digits) => new(digits.Features, [64], digits.Features, 64);

    /// <summary>Trains the autoencoder on its reconstruction error; returns it and the test mean squared error per pixel.</summary>
    public static (DigitsAutoencoder Network, double TestError) Autoencode(DatasetSplits data, int epochs, int seed, TrainingProgress progress)
    {
        var network = new DigitsAutoencoder(batchCapacity: 512, seed: seed);
        var trainer = new Trainer<float>(network, new Adam(3e-3f), AsTargets(data.Train), batchSize: 32, (ulong)seed);
        progress.Run(trainer, AsTargets(data.Train), epochs, AsTargets(data.Validation), "reconstruction");
        return (network, Trainer<float>.Evaluate(network, AsTargets(data.Test)).Loss);
    }

    /// <summary>The figures of the contrastive run: the fraction of test tuples whose positive scores highest, and how well the 2-D embeddings classify by nearest class centre.</summary>
    public sealed record ContrastiveResult(ContrastiveEncoder Network, double TupleAccuracy, double NearestCentreAccuracy, float[] TestEmbeddings);

    /// <summary>Trains the contrastive encoder on freshly drawn tuples of the training digits.</summary>
    public static ContrastiveResult Contrast(DatasetSplits data, int epochs, int seed, TrainingProgress progress)
    {
        var train = ContrastiveData.Tuples(data.Train, 4000, (ulong)seed * 3 + 1);
        var validation = ContrastiveData.Tuples(data.Validation, 500, (ulong)seed * 3 + 2);
        var test = ContrastiveData.Tuples(data.Test, 1000, (ulong)seed * 3 + 3);
        var network = new ContrastiveEncoder(batchCapacity: 512, seed: seed);
        var trainer = new Trainer<int>(network, new Adam(3e-3f), train, batchSize: 32, (ulong)seed);
        progress.Run(trainer, train, epochs, validation, "contrastive");
        double tupleAccuracy = Trainer<int>.Evaluate(network, test).Accuracy;
        var trainEmbeddings = Embed(network, data.Train);
        var testEmbeddings = Embed(network, data.Test);
        return new ContrastiveResult(network, tupleAccuracy, NearestCentreAccuracy(trainEmbeddings, data.Train, testEmbeddings, data.Test), testEmbeddings);
    }

    /// <summary>Each digit's 2-D embedding, through <see cref="DigitEmbedder"/> with the encoder's weights copied by name.</summary>
    public static float[] Embed(ContrastiveEncoder network, Dataset digits)
    {
        var embedder = new DigitEmbedder(batchCapacity: digits.Count, seed: 0);
        foreach (var p in embedder.ParameterTable.Parameters)
            network.ParameterTable.Slice(network.Parameters, p.Name).CopyTo(embedder.ParameterTable.Slice(embedder.Parameters, p.Name));
        var embeddings = new float[digits.Count * Losses.Contrast.Dimensions];
        embedder.Forward(digits.Features, embeddings);
        return embeddings;
    }

    /// <summary>Classifies each test embedding by the nearest class centre (the mean training embedding of each digit).</summary>
    public static double NearestCentreAccuracy(float[] trainEmbeddings, Dataset train, float[] testEmbeddings, Dataset test)
    {
        const int d = Losses.Contrast.Dimensions;
        var centres = new double[train.ClassCount, d];
        var counts = new int[train.ClassCount];
        for (int i = 0; i < train.Count; i++)
        {
            counts[train.LabelOf(i)]++;
            for (int j = 0; j < d; j++) centres[train.LabelOf(i), j] += trainEmbeddings[i * d + j];
        }
        int correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            int best = 0;
            double bestDistance = double.PositiveInfinity;
            for (int c = 0; c < train.ClassCount; c++)
            {
                double distance = 0;
                for (int j = 0; j < d; j++)
                {
                    double delta = testEmbeddings[i * d + j] - centres[c, j] / Math.Max(1, counts[c]);
                    distance += delta * delta;
                }
                if (distance < bestDistance) (best, bestDistance) = (c, distance);
            }
            if (best == test.LabelOf(i)) correct++;
        }
        return (double)correct / test.Count;
    }

    /// <summary>The two terms of a trained VAE's loss on the test digits (nats per image), and the means of its 2-D code.</summary>
    public sealed record VaeResult(string Label, float Beta, double Reconstruction, double Kl, float[] TestMeans);

    /// <summary>
    /// Trains a VAE on 64·BCE + β·KL, then measures the two terms separately on the test digits:
    /// the reconstruction's log loss summed over the pixels, and the KL divergence of N(μ, σ²) from N(0, 1).
    /// </summary>
    public static VaeResult TrainVae<TNetwork>(string label, float beta, TNetwork network, DatasetSplits data, int epochs, int seed, TrainingProgress progress)
        where TNetwork : TrainableNetwork<float>
    {
        var trainer = new Trainer<float>(network, new Adam(3e-3f), AsTargets(data.Train), batchSize: 32, (ulong)seed);
        progress.Run(trainer, AsTargets(data.Train), epochs, AsTargets(data.Validation), label);
        var test = data.Test;
        var logits = new float[test.Count * 64];
        network.Forward(test.Features, logits);
        var means = network.LastOutputAt(1).ToArray();
        var logVariances = network.LastOutputAt(2).ToArray();
        double reconstruction = 0, kl = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            // log(1 + e^z) − z·x, computed stably.
            double z = logits[i], x = test.Features[i];
            reconstruction += Math.Max(z, 0) - z * x + Math.Log(1 + Math.Exp(-Math.Abs(z)));
        }
        for (int i = 0; i < means.Length; i++)
            kl += -0.5 * (1 + logVariances[i] - means[i] * means[i] - Math.Exp(logVariances[i]));
        return new VaeResult(label, beta, reconstruction / test.Count, kl / test.Count, means);
    }

    /// <summary>Points of a 2-D code or embedding, one colour per digit.</summary>
    public static ScatterPlot Scatter(float[] points, Dataset digits, string title, string axis)
    {
        var plot = new ScatterPlot { Title = title, XLabel = axis + " 1", YLabel = axis + " 2", Width = 560, Height = 480 };
        for (int c = 0; c < digits.ClassCount; c++)
        {
            var members = Enumerable.Range(0, digits.Count).Where(i => digits.LabelOf(i) == c).ToArray();
            plot.Add(c.ToString(System.Globalization.CultureInfo.InvariantCulture), [.. members.Select(i => (double)points[2 * i])], [.. members.Select(i => (double)points[2 * i + 1])]);
        }
        return plot;
    }

    /// <summary>The first ten test digits above their reconstructions by the autoencoder.</summary>
    public static Image Reconstructions(DigitsAutoencoder network, Dataset test)
    {
        const int count = 10;
        var input = test.Features.AsSpan(0, count * 64);
        var output = new float[count * 64];
        network.Forward(input, output);
        var grid = new ImageGrid(columns: count) { Margin = 3 };
        for (int i = 0; i < count; i++) grid.Add(Image.FromGray(input.Slice(i * 64, 64), 8, 8, 0, 1).Scale(8), i == 0 ? "input" : null);
        for (int i = 0; i < count; i++) grid.Add(Image.FromGray(output.AsSpan(i * 64, 64), 8, 8, 0, 1).Scale(8), i == 0 ? "output" : null);
        return grid.Render();
    }
}
