using GraphGen.Data;
using GraphGen.Training;

namespace GraphGen.Examples.Digits;

/// <summary>The Digits training run, callable from the program and from the end-to-end tests.</summary>
public static class DigitsExperiment
{
    public sealed record Result(DigitsMlp Network, AdamW Optimizer, TrainingHistory History, Evaluation Test);

    /// <param name="place">Moves the network to the device it trains on (nothing: the CPU).</param>
    public static Result Run(int epochs, int seed, int batchSize, float learningRate, TextWriter log, Action<INetwork>? place = null)
    {
        // 1797 images with pixel values 0..16; scale to [0, 1] and split 70/15/15, keeping class proportions.
        var digits = Datasets.Digits().ScaleFeatures(1f / 16);
        var split = DatasetSplit.StratifiedSplit(digits, trainFraction: 0.7, validationFraction: 0.15, (ulong)seed);
        log.WriteLine($"UCI digits: {split.Train.Count} train, {split.Validation.Count} validation, {split.Test.Count} test samples");

        var network = new DigitsMlp(batchCapacity: Math.Max(batchSize, 256), seed: seed);
        place?.Invoke(network);
        var optimizer = new AdamW(learningRate, weightDecay: 1e-4f);
        log.WriteLine(DigitsMlp.Description.Summary);
        log.WriteLine($"optimizer: {optimizer}, batch {batchSize}, {epochs} epochs, seed {seed}");

        var trainer = new Trainer<int>(network, optimizer, split.Train, batchSize, (ulong)seed);
        for (int epoch = 0; epoch < epochs; epoch++)
            log.WriteLine(trainer.RunEpoch(epoch, split.Validation));
        return new Result(network, optimizer, trainer.History, Trainer<int>.Evaluate(network, split.Test));
    }
}
