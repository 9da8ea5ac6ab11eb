extern alias adversarial;

using adversarial::GraphGen.Examples;
using adversarial::GraphGen.Examples.Adversarial;
using GraphGen.Data;

namespace GraphGen.Inspection.Tests;

public class AdversarialTests
{
    private static readonly Lazy<(DigitsClassifier Net, DatasetSplits Data)> Trained = new(() =>
    {
        var data = TestData.Digits();
        var net = new DigitsClassifier(batchCapacity: 500, seed: 0);
        AttackExperiment.Train(net, data, epochs: 15, seed: 0, TrainingProgress.Plain(TextWriter.Null), "digits");
        return (net, data);
    });

    private static (float[] X, int[] Y) TestBatch(DatasetSplits data, int count) =>
        (data.Test.Features.AsSpan(0, count * 64).ToArray(), data.Test.Labels.AsSpan(0, count).ToArray());

    [Theory]
    [InlineData(0.05f)]
    [InlineData(0.1f)]
    [InlineData(0.3f)]
    public void FgsmMovesEveryPixelByEpsilonAlongTheGradientSignWithinTheValidRange(float epsilon)
    {
        var (net, data) = Trained.Value;
        var (x, y) = TestBatch(data, 100);
        var adversarialX = new float[x.Length];
        AdversarialAttacks.Fgsm(net, x, y, epsilon, adversarialX);
        net.ComputeGradients(x, y);
        var gradient = net.InputGradient.ToArray();

        float largest = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float delta = adversarialX[i] - x[i];
            largest = Math.Max(largest, Math.Abs(delta));
            Assert.InRange(adversarialX[i], 0f, 1f);
            Assert.True(Math.Abs(delta) <= epsilon * (1 + 1e-6f), $"pixel {i} moved by {delta}");
            if (gradient[i] == 0) Assert.Equal(x[i], adversarialX[i]);
            else if (delta != 0) Assert.Equal(MathF.Sign(gradient[i]), MathF.Sign(delta));
            // Unclipped, the step is exactly ε; clipped, it stops at the border.
            float unclipped = x[i] + epsilon * MathF.Sign(gradient[i]);
            Assert.Equal(Math.Clamp(unclipped, 0f, 1f), adversarialX[i]);
        }
        Assert.Equal(epsilon, largest, 1e-6f);
        Assert.True(net.ComputeLoss(adversarialX, y) > net.ComputeLoss(x, y), "FGSM raises the loss");
    }

    [Fact]
    public void IterativeAttackStaysInTheEpsilonBallAndBeatsFgsm()
    {
        var (net, data) = Trained.Value;
        const float epsilon = 0.1f;
        var (x, y) = TestBatch(data, 200);
        var iterative = new float[x.Length];
        AdversarialAttacks.Iterative(net, x, y, epsilon, epsilon / 4, 10, iterative);
        var pgd = new float[x.Length];
        AdversarialAttacks.Iterative(net, x, y, epsilon, epsilon / 4, 10, pgd, randomStart: true, seed: 3);
        foreach (var attacked in new[] { iterative, pgd })
        {
            for (int i = 0; i < x.Length; i++)
            {
                Assert.InRange(attacked[i], 0f, 1f);
                Assert.True(Math.Abs(attacked[i] - x[i]) <= epsilon * (1 + 1e-6f));
            }
        }
        var fgsm = new float[x.Length];
        AdversarialAttacks.Fgsm(net, x, y, epsilon, fgsm);
        Assert.True(net.ComputeLoss(iterative, y) > net.ComputeLoss(fgsm, y), "ten small steps find a higher loss than one big one");
        Assert.NotEqual(iterative, pgd);
    }

    [Fact]
    public void SuccessRatesCountOnlyCorrectlyClassifiedSamplesAndGrowWithEpsilon()
    {
        var (net, data) = Trained.Value;
        var results = AttackExperiment.Evaluate(net, data.Test, [0f, 0.05f, 0.2f]);
        foreach (var none in results.Where(r => r.Epsilon == 0f))
        {
            Assert.Equal(0, none.Flipped);
            Assert.Equal(none.CleanAccuracy, none.AdversarialAccuracy);
        }
        var clean = results[0];
        Assert.True(clean.CleanAccuracy > 0.9, $"clean accuracy {clean.CleanAccuracy}");
        foreach (var r in results)
        {
            Assert.Equal(data.Test.Count, r.Samples);
            Assert.Equal((double)r.Flipped / r.CorrectBefore, r.SuccessRate);
            Assert.True(r.CorrectAfter >= r.CorrectBefore - r.Flipped);
        }
        double Rate(string attack, float eps) => results.First(r => r.Attack == attack && r.Epsilon == eps).SuccessRate;
        Assert.True(Rate("fgsm", 0.05f) < Rate("fgsm", 0.2f));
        Assert.True(Rate("iterative", 0.2f) >= Rate("fgsm", 0.2f));
        Assert.True(Rate("iterative", 0.2f) > 0.5, $"iterative success at ε = 0.2: {Rate("iterative", 0.2f)}");
        TestData.AssertSvg(AttackExperiment.SuccessPlot(results, "test").ToSvg());
    }

    [Fact]
    public void SideBySideImagesAreValidPngs()
    {
        var (net, data) = Trained.Value;
        string path = Path.Combine(TestData.TemporaryDirectory(), "fgsm.png");
        try
        {
            var image = AttackExperiment.SideBySide(net, data.Test, AttackExperiment.Fgsm(net, 0.1f), "fgsm", 0.1f, 8, 8, count: 4, scale: 12);
            image.Save(path);
            TestData.AssertPng(path, image.Width, image.Height);
            // Two samples of three pictures per row, two rows.
            Assert.True(image.Width >= 6 * 96 && image.Height >= 2 * 96);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void AttacksRejectBadArguments()
    {
        var net = new TinyClassifier(4, 0);
        var x = TestData.Uniform(6, 1, 0, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => AdversarialAttacks.Fgsm(net, x, [0], -0.1f, new float[6]));
        Assert.Throws<ArgumentException>(() => AdversarialAttacks.Fgsm(net, x, [0], 0.1f, new float[5]));
        Assert.Throws<ArgumentException>(() => AdversarialAttacks.Fgsm(net, x, [0], 0.1f, x));
        Assert.Throws<ArgumentOutOfRangeException>(() => AdversarialAttacks.Iterative(net, x, [0], 0.1f, -0.01f, 10, new float[6]));
    }
}
