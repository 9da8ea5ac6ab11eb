using GraphGen.Data;
using GraphGen.Training;

namespace GraphGen.Examples.Overfitting;

/// <summary>The two training runs of the example, callable from the program and the tests.</summary>
public static class OverfittingExperiment
{
    /// <summary>The outcome of one run; <see cref="BestEpoch"/> is the epoch whose parameters were kept (0-based; the last one without early stopping).</summary>
    public sealed record Run(string Label, WideMlp Network, TrainingHistory History, int BestEpoch, Evaluation Test);

    /// <summary>
    /// A small training set (<paramref name="trainSize"/> digits, stratified) and the usual
    /// validation and test sets: 15% of the 1797 digits each, never trained on.
    /// </summary>
    public static DatasetSplits SmallDigits(int trainSize, int seed, double labelNoise = 0)
    {
        var split = DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), 0.7, 0.15, (ulong)seed);
        double fraction = Math.Min(1.0, (double)trainSize / split.Train.Count);
        var small = DatasetSplit.StratifiedSplit(split.Train, fraction, 0, (ulong)seed).Train;
        return new DatasetSplits(labelNoise > 0 ? WithNoisyLabels(small, labelNoise, seed) : small, split.Validation, split.Test);
    }

    /// <summary>
    /// A copy of <paramref name="data"/> in which a fraction <paramref name="noise"/> of the
    /// labels (chosen with the seed) are replaced by another class: mislabelled examples, as
    /// every real dataset has some of, which a network with enough capacity learns by heart.
    /// </summary>
    public static Dataset WithNoisyLabels(Dataset data, double noise, int seed)
    {
        var random = SeededRandom.ForStream((ulong)seed, "label-noise");
        int[] labels = [.. data.Labels];
        int[] order = [.. Enumerable.Range(0, data.Count)];
        random.Shuffle<int>(order);
        int flips = (int)Math.Round(noise * data.Count);
        foreach (int i in order.AsSpan(0, flips))
            labels[i] = (labels[i] + 1 + random.NextInt(data.ClassCount - 1)) % data.ClassCount;
        return new Dataset(data.Features, [.. data.FeatureShape], labels, data.ClassCount, data.ClassNames);
    }

    /// <summary>Adam without any regularisation, for every epoch: the network memorises the training set.</summary>
    public static Run Overfit(DatasetSplits data, int epochs, int seed, float learningRate, int batchSize, TrainingProgress progress)
    {
        var network = new WideMlp(batchCapacity: 256, seed: seed);
        var trainer = new Trainer<int>(network, new Adam(learningRate), data.Train, batchSize, (ulong)seed);
        progress.Run(trainer, data.Train, epochs, data.Validation, "no regularisation");
        return new Run("no regularisation", network, trainer.History, epochs - 1, Trainer<int>.Evaluate(network, data.Test));
    }

    /// <summary>
    /// The fix: AdamW's decoupled weight decay pulls every weight towards zero (preferring
    /// simpler functions), and early stopping ends training when the validation loss has not
    /// improved for <paramref name="patience"/> epochs and restores the best epoch's parameters.
    /// </summary>
    public static Run Regularised(DatasetSplits data, int epochs, int seed, float learningRate, int batchSize, float weightDecay, int patience, TrainingProgress progress)
    {
        var network = new WideMlp(batchCapacity: 256, seed: seed);
        var trainer = new Trainer<int>(network, new AdamW(learningRate, weightDecay: weightDecay), data.Train, batchSize, (ulong)seed);
        var stopping = new EarlyStopping(network.ParameterCount, patience);
        string label = $"weight decay {weightDecay:G3} + early stopping";
        progress.Run(trainer, data.Train, epochs, data.Validation, label, stats => stopping.Update(stats, network.Parameters));
        stopping.RestoreBest(network.Parameters);
        return new Run(label, network, trainer.History, stopping.BestEpoch, Trainer<int>.Evaluate(network, data.Test));
    }
}
