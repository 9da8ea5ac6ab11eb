using System.Globalization;
using GraphGen.Data;
using GraphGen.Imaging;
using GraphGen.Training;

namespace GraphGen.Examples.Vae;

/// <summary>Trains the autoencoder and the VAE on MNIST and writes reconstructions and samples as images.</summary>
public static class VaeExperiment
{
    public sealed record Result(double AutoencoderTestLoss, double TestElbo, double LatentPlaneTestElbo, IReadOnlyList<string> Images);

    public static Result Run(Dataset trainAll, Dataset test, int epochs, int seed, int batchSize, float learningRate, string artifacts, TextWriter log)
    {
        // Targets are the images themselves.
        Dataset AsTargets(Dataset d) => new(d.Features, [784], d.Features, 784);
        var train = AsTargets(trainAll.WithFeatureShape([784]));
        var testSet = AsTargets(test.WithFeatureShape([784]));
        log.WriteLine($"MNIST: {train.Count} training and {testSet.Count} test images");

        var autoencoder = new Autoencoder(batchCapacity: Math.Max(batchSize, 256), seed: seed);
        var aeTrainer = new Trainer<float>(autoencoder, new Adam(learningRate), train, batchSize, (ulong)seed);
        log.WriteLine(Autoencoder.Description.Summary);
        for (int epoch = 0; epoch < epochs; epoch++)
            log.WriteLine("autoencoder " + aeTrainer.RunEpoch(epoch));
        double aeLoss = Trainer<float>.Evaluate(autoencoder, testSet).Loss;

        var vae = new VariationalAutoencoder(batchCapacity: Math.Max(batchSize, 256), seed: seed);
        var vaeTrainer = new Trainer<float>(vae, new Adam(learningRate), train, batchSize, (ulong)seed);
        log.WriteLine(VariationalAutoencoder.Description.Summary);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var stats = vaeTrainer.RunEpoch(epoch);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"vae epoch {epoch + 1,3}  negative ELBO {stats.Train.Loss:F2} nats per image  |  {stats.Seconds:F1} s"));
        }
        double testLoss = Trainer<float>.Evaluate(vae, testSet).Loss;

        var images = new List<string>
        {
            SaveReconstructions(autoencoder, vae, testSet, Path.Combine(artifacts, "reconstructions.png")),
            SaveSamples(vae, seed, Path.Combine(artifacts, "samples.png")),
        };
        // The same VAE with a code of two numbers, to draw the latent space.
        var (planeImages, planeElbo) = LatentPlane.Run(train, testSet, test.WithFeatureShape([784]), epochs, seed, batchSize, learningRate, artifacts, log);
        images.AddRange(planeImages);
        return new Result(aeLoss, -testLoss, planeElbo, images);
    }

    /// <summary>Rows of originals, autoencoder reconstructions and VAE reconstructions.</summary>
    private static string SaveReconstructions(Autoencoder autoencoder, VariationalAutoencoder vae, Dataset test, string path)
    {
        const int count = 10;
        var input = test.Features.AsSpan(0, count * 784);
        var ae = new float[count * 784];
        var vaeOut = new float[count * 784];
        autoencoder.Forward(input, ae);
        vae.Forward(input, vaeOut);
        var grid = new ImageGrid(columns: count) { Margin = 2 };
        for (int i = 0; i < count; i++) grid.Add(Digit(input.Slice(i * 784, 784), logits: false), i == 0 ? "input" : null);
        for (int i = 0; i < count; i++) grid.Add(Digit(ae.AsSpan(i * 784, 784), logits: true), i == 0 ? "AE" : null);
        for (int i = 0; i < count; i++) grid.Add(Digit(vaeOut.AsSpan(i * 784, 784), logits: true), i == 0 ? "VAE" : null);
        grid.Render().Save(path);
        return path;
    }

    /// <summary>New digits: z ~ N(0, 1) through the VAE's decoder (weights copied by name).</summary>
    private static string SaveSamples(VariationalAutoencoder vae, int seed, string path)
    {
        const int count = 40;
        var decoder = new VaeDecoder(batchCapacity: count, seed: seed);
        foreach (var p in decoder.ParameterTable.Parameters)
            vae.ParameterTable.Slice(vae.Parameters, p.Name).CopyTo(decoder.ParameterTable.Slice(decoder.Parameters, p.Name));
        var rng = new SeededRandom((ulong)seed + 7);
        var z = new float[count * VariationalAutoencoder.Latent];
        for (int i = 0; i < z.Length; i++) z[i] = rng.NextGaussian();
        var images = new float[count * 784];
        decoder.Forward(z, images);
        var grid = new ImageGrid(columns: 10) { Margin = 2 };
        for (int i = 0; i < count; i++) grid.Add(Digit(images.AsSpan(i * 784, 784), logits: false));
        grid.Render().Save(path);
        return path;
    }

    private static Image Digit(ReadOnlySpan<float> values, bool logits)
    {
        var pixels = new float[784];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = logits ? 1f / (1f + MathF.Exp(-values[i])) : values[i];
        return Image.FromGray(pixels, 28, 28, 0, 1).Scale(2);
    }
}
