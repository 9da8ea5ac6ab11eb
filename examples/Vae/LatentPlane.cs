using GraphGen.Data;
using GraphGen.Imaging;
using GraphGen.Training;

namespace GraphGen.Examples.Vae;

/// <summary>The 2-D latent space of <see cref="LatentPlaneVae"/>: the test digits as points, and the plane decoded into digits.</summary>
public static class LatentPlane
{
    /// <summary>The means μ of the first <paramref name="count"/> test images (two numbers each).</summary>
    public static float[] Means(LatentPlaneVae vae, Dataset test, int count)
    {
        count = Math.Min(count, test.Count);
        var means = new float[count * 2];
        var logits = new float[vae.BatchCapacity * 784];
        for (int start = 0; start < count; start += vae.BatchCapacity)
        {
            int n = Math.Min(vae.BatchCapacity, count - start);
            vae.Forward(test.Features.AsSpan(start * 784, n * 784), logits.AsSpan(0, n * 784));
            vae.LastOutputAt(1).CopyTo(means.AsSpan(start * 2, n * 2));
        }
        return means;
    }

    /// <summary>The points μ, one colour per digit.</summary>
    public static ScatterPlot Scatter(float[] means, Dataset test)
    {
        int count = means.Length / 2;
        var plot = new ScatterPlot { Title = $"The 2-D code of {count} MNIST test digits (means μ)", XLabel = "μ 1", YLabel = "μ 2", Width = 600, Height = 520, PointRadius = 1.8 };
        for (int c = 0; c < 10; c++)
        {
            var members = Enumerable.Range(0, count).Where(i => test.LabelOf(i) == c).ToArray();
            plot.Add(c.ToString(System.Globalization.CultureInfo.InvariantCulture), [.. members.Select(i => (double)means[2 * i])], [.. members.Select(i => (double)means[2 * i + 1])]);
        }
        return plot;
    }

    /// <summary>
    /// The plane from −<paramref name="extent"/> to +<paramref name="extent"/> on both axes, decoded on a
    /// <paramref name="side"/> × <paramref name="side"/> grid of points (z₂ grows upwards), through the VAE's decoder weights.
    /// </summary>
    public static Image Decoded(LatentPlaneVae vae, int side = 15, float extent = 2.5f)
    {
        var decoder = new LatentPlaneDecoder(batchCapacity: side * side, seed: 0);
        foreach (var p in decoder.ParameterTable.Parameters)
            vae.ParameterTable.Slice(vae.Parameters, p.Name).CopyTo(decoder.ParameterTable.Slice(decoder.Parameters, p.Name));
        var z = new float[side * side * 2];
        for (int row = 0; row < side; row++)
            for (int column = 0; column < side; column++)
            {
                int i = row * side + column;
                z[2 * i] = -extent + 2 * extent * column / (side - 1);
                z[2 * i + 1] = extent - 2 * extent * row / (side - 1);
            }
        var images = new float[side * side * 784];
        decoder.Forward(z, images);
        var grid = new ImageGrid(columns: side) { Margin = 0, Background = Color.Black };
        for (int i = 0; i < side * side; i++) grid.Add(Image.FromGray(images.AsSpan(i * 784, 784), 28, 28, 0, 1));
        return grid.Render();
    }

    /// <summary>
    /// Trains the 2-D VAE with Adam on <paramref name="train"/> (images as their own targets) and writes the scatter
    /// plot of <paramref name="labelledTest"/> and the decoded plane; returns their paths and the test ELBO.
    /// </summary>
    public static (string[] Images, double TestElbo) Run(Dataset train, Dataset test, Dataset labelledTest, int epochs, int seed, int batchSize, float learningRate, string artifacts, TextWriter log)
    {
        var vae = new LatentPlaneVae(batchCapacity: Math.Max(batchSize, 256), seed: seed);
        var trainer = new Trainer<float>(vae, new Adam(learningRate), train, batchSize, (ulong)seed);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var stats = trainer.RunEpoch(epoch);
            log.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"2-D vae epoch {epoch + 1,3}  negative ELBO {stats.Train.Loss:F2} nats per image  |  {stats.Seconds:F1} s"));
        }
        double elbo = -Trainer<float>.Evaluate(vae, test).Loss;
        string scatter = Path.Combine(artifacts, "latent-plane-test-digits.svg");
        Scatter(Means(vae, labelledTest, 2000), labelledTest).Save(scatter);
        string decoded = Path.Combine(artifacts, "latent-plane-decoded.png");
        Decoded(vae).Save(decoded);
        return ([scatter, decoded], elbo);
    }
}
