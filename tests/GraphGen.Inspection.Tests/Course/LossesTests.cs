extern alias losses;

using GraphGen.Data;
using losses::GraphGen.Examples;
using losses::GraphGen.Examples.Losses;

namespace GraphGen.Inspection.Tests.Course;

public class LossesTests
{
    private static int SourceIndex(Dataset digits, ReadOnlySpan<float> image)
    {
        for (int i = 0; i < digits.Count; i++)
            if (digits.FeaturesOf(i).SequenceEqual(image)) return i;
        return -1;
    }

    [Fact]
    public void TuplesHoldOnePositiveAtTheLabelledPositionAndNegativesOfOtherClasses()
    {
        var digits = TestData.Digits().Test;
        var tuples = ContrastiveData.Tuples(digits, 40, seed: 3);
        Assert.Equal([Contrast.Candidates + 1, 64], tuples.FeatureShape);
        for (int t = 0; t < tuples.Count; t++)
        {
            var tuple = tuples.FeaturesOf(t).ToArray();
            int anchorClass = digits.LabelOf(SourceIndex(digits, tuple.AsSpan(0, 64)));
            var classes = Enumerable.Range(0, Contrast.Candidates).Select(k => digits.LabelOf(SourceIndex(digits, tuple.AsSpan((k + 1) * 64, 64)))).ToList();
            Assert.Equal(anchorClass, classes[tuples.LabelOf(t)]);
            var negatives = classes.Where((_, k) => k != tuples.LabelOf(t)).ToList();
            Assert.DoesNotContain(anchorClass, negatives);
            Assert.Equal(negatives.Count, negatives.Distinct().Count());
        }
    }

    [Fact]
    public void ScoresAreNegativeSquaredDistancesBetweenTheEmbeddings()
    {
        var digits = TestData.Digits().Test;
        var network = new ContrastiveEncoder(batchCapacity: 4, seed: 1);
        var tuples = ContrastiveData.Tuples(digits, 2, seed: 5);
        var scores = new float[2 * Contrast.Candidates];
        network.Forward(tuples.Features, scores);
        // The embedder with the same weights embeds each row; the score is −‖e(anchor) − e(candidate)‖².
        var rows = new Dataset(tuples.Features, [64], new int[2 * (Contrast.Candidates + 1)], 10);
        var e = LossExperiments.Embed(network, rows);
        for (int t = 0; t < 2; t++)
            for (int k = 0; k < Contrast.Candidates; k++)
            {
                int a = t * (Contrast.Candidates + 1), c = a + k + 1;
                double expected = -(Math.Pow(e[2 * a] - e[2 * c], 2) + Math.Pow(e[2 * a + 1] - e[2 * c + 1], 2));
                Assert.Equal(expected, scores[t * Contrast.Candidates + k], 1e-4);
            }
    }

    [Fact]
    public void ContrastiveTrainingBeatsChanceAndItsScatterHasEveryTestDigit()
    {
        var data = TestData.Digits();
        var result = LossExperiments.Contrast(data, epochs: 3, seed: 0, TrainingProgress.Plain(TextWriter.Null));
        Assert.True(result.TupleAccuracy > 0.5, $"tuple accuracy {result.TupleAccuracy} (chance 0.25)");
        Assert.True(result.NearestCentreAccuracy > 0.3, $"nearest centre {result.NearestCentreAccuracy} (chance 0.1)");
        var plot = LossExperiments.Scatter(result.TestEmbeddings, data.Test, "test", "embedding");
        Assert.Equal(10, plot.Groups.Count);
        Assert.Equal(data.Test.Count, plot.Groups.Sum(g => g.X.Count));
        Assert.Equal(result.TestEmbeddings[0], plot.Groups[data.Test.LabelOf(0)].X[0], 1e-6);
        TestData.AssertSvg(plot.ToSvg());
    }

    [Fact]
    public void NearestCentreClassifiesByTheClosestClassMean()
    {
        var train = new Dataset(new float[4 * 64], [64], [0, 0, 1, 1], 2);
        float[] trainEmbeddings = [0, 0, 0, 2, 10, 0, 10, 2];      // centres (0, 1) and (10, 1)
        var test = new Dataset(new float[2 * 64], [64], [0, 1], 2);
        Assert.Equal(1.0, LossExperiments.NearestCentreAccuracy(trainEmbeddings, train, [1, 1, 9, 1], test));
        Assert.Equal(0.0, LossExperiments.NearestCentreAccuracy(trainEmbeddings, train, [9, 1, 1, 1], test));
    }

    [Fact]
    public void WeightingTheKlTermMoreShrinksItAndTheTermsAreMeasuredApart()
    {
        var data = TestData.Digits();
        var progress = TrainingProgress.Plain(TextWriter.Null);
        var one = LossExperiments.TrainVae("β = 1", DigitsVae.Beta, new DigitsVae(512, 0), data, epochs: 5, seed: 0, progress);
        var ten = LossExperiments.TrainVae("β = 10", DigitsBetaVae.Beta, new DigitsBetaVae(512, 0), data, epochs: 5, seed: 0, progress);
        Assert.True(ten.Kl < one.Kl, $"KL with β = 10: {ten.Kl}, with β = 1: {one.Kl}");
        Assert.True(one.Reconstruction > 0 && one.Kl >= 0);
        Assert.Equal(2 * data.Test.Count, one.TestMeans.Length);
    }

    [Fact]
    public void AutoencoderReconstructsAndItsPictureHasTwoRows()
    {
        var data = TestData.Digits();
        var (network, error) = LossExperiments.Autoencode(data, epochs: 3, seed: 0, TrainingProgress.Plain(TextWriter.Null));
        Assert.InRange(error, 0, 0.2);
        string path = Path.Combine(TestData.TemporaryDirectory(), "reconstructions.png");
        try
        {
            LossExperiments.Reconstructions(network, data.Test).Save(path);
            var image = TestData.AssertPng(path);
            Assert.True(image.Width > 10 * 64 && image.Height > 2 * 64);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
