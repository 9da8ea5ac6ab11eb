using System.Globalization;
using GraphGen.Data;
using GraphGen.Imaging;
using GraphGen.Inspection;
using GraphGen.Training;

namespace GraphGen.Examples.Adversarial;

/// <summary>The attacks of the example on any classifier with an input gradient; shared by the program and the tests.</summary>
public static class AttackExperiment
{
    /// <summary>Steps of the iterative attack; each is α = ε/4, so 10 steps can cross the ε-ball and back (Madry et al.'s 2.5·ε/steps).</summary>
    public const int IterativeSteps = 10;

    /// <summary>FGSM on a batch: x′ = clip(x + ε·sign(∇ₓL), 0, 1).</summary>
    public static AttackStep Fgsm<TNetwork>(TNetwork network, float epsilon)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork =>
        (x, y, destination) => AdversarialAttacks.Fgsm(network, x, y, epsilon, destination);

    /// <summary>Iterative FGSM on a batch: <see cref="IterativeSteps"/> steps of ε/4, projected onto the ε-ball and [0, 1].</summary>
    public static AttackStep Iterative<TNetwork>(TNetwork network, float epsilon)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork =>
        (x, y, destination) => AdversarialAttacks.Iterative(network, x, y, epsilon, epsilon / 4, IterativeSteps, destination);

    /// <summary>Both attacks at every ε over the whole of <paramref name="test"/>.</summary>
    public static List<AttackEvaluation> Evaluate<TNetwork>(TNetwork network, Dataset test, IEnumerable<float> epsilons)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
    {
        var results = new List<AttackEvaluation>();
        foreach (float epsilon in epsilons)
        {
            results.Add(AttackEvaluation.Run(network, test, "fgsm", epsilon, Fgsm(network, epsilon)));
            results.Add(AttackEvaluation.Run(network, test, "iterative", epsilon, Iterative(network, epsilon)));
        }
        return results;
    }

    /// <summary>Success rate against ε, one curve per attack.</summary>
    public static LinePlot SuccessPlot(IReadOnlyList<AttackEvaluation> results, string title)
    {
        var plot = new LinePlot { Title = title, XLabel = "ε (largest change of any pixel, pixels in [0, 1])", YLabel = "success rate", YLimits = new ValueRange(0, 1) };
        foreach (var attack in results.GroupBy(r => r.Attack))
            plot.Add(attack.Key, [.. attack.Select(r => (double)r.Epsilon)], [.. attack.Select(r => r.SuccessRate)], markers: true);
        return plot;
    }

    /// <summary>
    /// Side by side (two samples a row), for the first <paramref name="count"/> test images the network gets right:
    /// the original with its prediction and confidence, the perturbation (blue lowers a
    /// pixel, red raises it; white is no change), and the adversarial image with its prediction.
    /// A colour key under the sheet gives the perturbation's scale, from −ε to +ε.
    /// </summary>
    public static Image SideBySide<TNetwork>(TNetwork network, Dataset test, AttackStep attack, string attackName, float epsilon,
        int width, int height, int count, int scale)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
    {
        var key = ColorKey.Horizontal(ColorMap.BlueWhiteRed, -epsilon, epsilon, barWidth: 240,
            title: "perturbation: blue lowers a pixel, red raises it");
        var grid = new ImageGrid(columns: 6) { Margin = 12, Footer = key };
        var adversarial = new float[network.InputSize];
        var delta = new float[network.InputSize];
        int shown = 0;
        for (int i = 0; i < test.Count && shown < count; i++)
        {
            var x = test.FeaturesOf(i);
            int label = test.LabelOf(i);
            var (predicted, confidence) = Predict(network, x);
            if (predicted != label) continue;
            attack(x, [label], adversarial);
            var (adversarialPrediction, adversarialConfidence) = Predict(network, adversarial);
            for (int j = 0; j < delta.Length; j++) delta[j] = adversarial[j] - x[j];
            grid.Add(Image.FromGray(x, width, height, 0, 1).Scale(scale), Caption(predicted, confidence));
            grid.Add(Image.FromValues(delta, width, height, ColorMap.BlueWhiteRed, -epsilon, epsilon).Scale(scale),
                string.Create(CultureInfo.InvariantCulture, $"{attackName} ε={epsilon:G2}"));
            grid.Add(Image.FromGray(adversarial, width, height, 0, 1).Scale(scale), Caption(adversarialPrediction, adversarialConfidence));
            shown++;
        }
        return grid.Render();
    }

    /// <summary>The predicted class and its softmax probability.</summary>
    public static (int Class, float Confidence) Predict(INetwork network, ReadOnlySpan<float> x)
    {
        var logits = new float[network.OutputSize];
        network.Forward(x, logits);
        int best = Metrics.ArgMax(logits);
        double sum = 0;
        foreach (float z in logits) sum += Math.Exp(z - logits[best]);
        return (best, (float)(1 / sum));
    }

    private static string Caption(int predicted, float confidence) =>
        string.Create(CultureInfo.InvariantCulture, $"pred {predicted} ({confidence:F2})");

    /// <summary>Trains a classifier with Adam; prints through <paramref name="progress"/>.</summary>
    public static Evaluation Train(ITrainableNetwork<int> network, DatasetSplits data, int epochs, int seed, TrainingProgress progress, string label)
    {
        var trainer = new Trainer<int>(network, new Adam(1e-3f), data.Train, batchSize: 64, (ulong)seed);
        progress.Run(trainer, data.Train, epochs, data.Validation, label);
        return Trainer<int>.Evaluate(network, data.Test);
    }
}
