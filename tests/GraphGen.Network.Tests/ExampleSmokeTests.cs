using GraphGen.Data;
using GraphGen.Examples.CharTransformer;
using GraphGen.Examples.FashionResNet;
using GraphGen.Examples.LeNet;
using GraphGen.Examples.Names;
using GraphGen.Examples.Vae;

namespace GraphGen.Network.Tests;

/// <summary>
/// The larger examples, run for one short epoch on small synthetic data: they build, train,
/// evaluate and write their outputs without the fetched datasets. Their accuracy targets are
/// measured by running the examples themselves (see each example's README).
/// </summary>
public class ExampleSmokeTests
{
    /// <summary>Images whose class decides their brightness pattern, so that even one epoch learns something.</summary>
    private static Dataset SyntheticImages(int count, int seed)
    {
        var rng = new SeededRandom((ulong)seed);
        var features = new float[count * 784];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = rng.NextInt(10);
            for (int p = 0; p < 784; p++)
                features[i * 784 + p] = (p / 28 / 3 == labels[i] ? 0.8f : 0.1f) + 0.1f * rng.NextSingle();
        }
        return new Dataset(features, [1, 28, 28], labels, 10);
    }

    [Fact]
    public void LeNetTrainsAndEvaluates()
    {
        var result = LeNetExperiment.Run(SyntheticImages(600, 1), SyntheticImages(100, 2), epochs: 1, seed: 0, batchSize: 32, learningRate: 2e-3f, TextWriter.Null);
        Assert.InRange(result.Test.Accuracy, 0.0, 1.0);
        Assert.True(result.History.Epochs[0].Train.Loss < Math.Log(10) + 0.5, "the first epoch's loss should not blow up");
    }

    [Fact]
    public void FashionResNetTrainsAndKeepsRunningStatistics()
    {
        var result = FashionExperiment.Run(SyntheticImages(300, 3), SyntheticImages(60, 4), epochs: 1, seed: 0, batchSize: 32, learningRate: 3e-3f, TextWriter.Null);
        Assert.InRange(result.Test.Accuracy, 0.0, 1.0);
        var state = result.Network.State.ToArray();
        Assert.Contains(state, v => v != 0 && v != 1);   // running means and variances moved away from their initial 0 and 1
    }

    [Fact]
    public void CharTransformerTrainsValidatesAndSamples()
    {
        string text = string.Concat(Enumerable.Repeat("the whale, the sea, and the ship. ", 200));
        var result = GptExperiment.Run(text, epochs: 1, stepsPerEpoch: 3, seed: 0, batchSize: 4, learningRate: 2e-3f, TextWriter.Null);
        Assert.True(double.IsFinite(result.ValidationNats));
        // The prompt, without the characters the text never uses, then 400 sampled characters.
        string prompt = new("Call me Ishmael. ".Where(text.Contains).ToArray());
        Assert.StartsWith(prompt, result.Sample);
        Assert.Equal(prompt.Length + 400, result.Sample.Length);
        Assert.All(result.Sample, c => Assert.Contains(c, text));
    }

    [Fact]
    public void NamesTrainsAndGeneratesNames()
    {
        var names = new[] { "emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper", "evelyn", "abigail", "liam", "noah", "oliver", "elijah", "james" };
        var result = NamesExperiment.Run(names.Concat(names).Concat(names).ToList(), epochs: 1, seed: 0, batchSize: 16, learningRate: 3e-3f, TextWriter.Null);
        Assert.Equal(20, result.Samples.Count);
        Assert.All(result.Samples, s => Assert.True(s.All(c => NamesExperiment.Alphabet.Contains(c)) && s.Length < NameGru.Steps));
    }

    [Fact]
    public void NamesTargetsEndWithTheEndMarkerThenPadding()
    {
        var data = NamesExperiment.Encode(["emma"]);
        string alphabet = NamesExperiment.Alphabet;
        int[] expected = [.. "emma.".Select(c => alphabet.IndexOf(c)), .. Enumerable.Repeat(NameGru.Padding, NameGru.Steps - 5)];
        Assert.Equal(expected, data.LabelsOf(0).ToArray());
        Assert.Equal(NameGru.Padding, data.IgnoredLabel);
    }

    [Fact]
    public void VaeWritesImagesAndReportsAnElbo()
    {
        string artifacts = Path.Combine(Path.GetTempPath(), $"graphgen-vae-{Guid.NewGuid():N}");
        try
        {
            var result = VaeExperiment.Run(SyntheticImages(256, 5), SyntheticImages(64, 6), epochs: 1, seed: 0, batchSize: 64, learningRate: 1e-3f, artifacts, TextWriter.Null);
            Assert.True(result.TestElbo < 0 && double.IsFinite(result.TestElbo));
            Assert.True(double.IsFinite(result.LatentPlaneTestElbo));
            foreach (var image in result.Images)
            {
                if (image.EndsWith(".svg", StringComparison.Ordinal))
                {
                    Assert.Equal("svg", System.Xml.Linq.XDocument.Load(image).Root!.Name.LocalName);
                    continue;
                }
                var png = GraphGen.Imaging.PngDecoder.Load(image);
                Assert.True(png.Width > 28 && png.Height > 28);
            }
        }
        finally
        {
            if (Directory.Exists(artifacts)) Directory.Delete(artifacts, recursive: true);
        }
    }
}
