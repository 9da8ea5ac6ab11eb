using System.Globalization;
using GraphGen.Data;
using GraphGen.Training;

namespace GraphGen.Inspection;

/// <summary>
/// An attack run over a dataset. <see cref="SuccessRate"/> counts only the samples the
/// network classified correctly before the attack: of those, the fraction the attack turned
/// into a wrong prediction. <see cref="AdversarialAccuracy"/> is the accuracy on the attacked
/// set (samples already wrong stay counted as wrong).
/// </summary>
public sealed record AttackEvaluation(string Attack, float Epsilon, int Samples, int CorrectBefore, int Flipped, int CorrectAfter)
{
    /// <summary>Accuracy on the samples before the attack.</summary>
    public double CleanAccuracy => (double)CorrectBefore / Samples;

    /// <summary>Of the samples classified correctly before the attack, the fraction it turned wrong (NaN when none was correct).</summary>
    public double SuccessRate => CorrectBefore == 0 ? double.NaN : (double)Flipped / CorrectBefore;

    /// <summary>Accuracy on the attacked samples.</summary>
    public double AdversarialAccuracy => (double)CorrectAfter / Samples;

    /// <summary>One line: the attack, ε, success rate and accuracy before and after.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Attack} ε={Epsilon:G3}: success rate {SuccessRate:F4} ({Flipped} of {CorrectBefore} correctly classified), accuracy {CleanAccuracy:F4} → {AdversarialAccuracy:F4}");

    /// <summary>
    /// Runs <paramref name="attack"/> (inputs, labels, destination) batch by batch over
    /// <paramref name="data"/> and counts what it achieved.
    /// </summary>
    public static AttackEvaluation Run<TNetwork>(TNetwork network, Dataset data, string name, float epsilon, AttackStep attack)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(attack);
        int classes = network.OutputSize;
        var adversarial = new float[network.BatchCapacity * network.InputSize];
        var before = new float[network.BatchCapacity * classes];
        var after = new float[network.BatchCapacity * classes];
        int correctBefore = 0, flipped = 0, correctAfter = 0;
        foreach (Batch batch in new BatchIterator(data, network.BatchCapacity, seed: 0, shuffle: false).Epoch(0))
        {
            int n = batch.Size;
            var x = batch.Features;
            var xAdv = adversarial.AsSpan(0, x.Length);
            network.Forward(x, before.AsSpan(0, n * classes));
            attack(x, batch.Labels, xAdv);
            network.Forward(xAdv, after.AsSpan(0, n * classes));
            for (int r = 0; r < n; r++)
            {
                int label = batch.Labels[r];
                bool wasRight = Metrics.ArgMax(before.AsSpan(r * classes, classes)) == label;
                bool isRight = Metrics.ArgMax(after.AsSpan(r * classes, classes)) == label;
                if (wasRight) correctBefore++;
                if (wasRight && !isRight) flipped++;
                if (isRight) correctAfter++;
            }
        }
        return new AttackEvaluation(name, epsilon, data.Count, correctBefore, flipped, correctAfter);
    }
}

/// <summary>An attack on one batch: writes the adversarial inputs for (inputs, labels) to the destination.</summary>
public delegate void AttackStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> destination);
