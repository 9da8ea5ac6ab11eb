using GraphGen.Data;
using GraphGen.Inspection;
using GraphGen.Training;

namespace GraphGen.Examples.GradientFlow;

/// <summary>Trains one deep network on the digits with a gradient monitor attached; callable from the program and the tests.</summary>
public static class GradientFlowExperiment
{
    public sealed record Run(string Label, ITrainableNetwork<int> Network, GradientMonitor Monitor, GradientReport Report, TrainingHistory History, Evaluation Test);

    /// <summary>The digits, scaled to [0, 1] and split 70/15/15 by class with the seed.</summary>
    public static DatasetSplits Digits(int seed) =>
        DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), trainFraction: 0.7, validationFraction: 0.15, (ulong)seed);

    /// <summary>
    /// Trains <paramref name="network"/> for <paramref name="epochs"/> epochs with plain SGD,
    /// recording every step. Plain SGD's update is the gradient times the learning rate, so a
    /// layer's gradient norm is how fast it learns; Adam divides each parameter's step by its
    /// own gradient's running size and would hide a vanishing gradient from the update.
    /// </summary>
    public static Run Train(string label, ITrainableNetwork<int> network, DatasetSplits data, int epochs, int seed,
        float learningRate, int batchSize, TrainingProgress progress)
    {
        var optimizer = new Sgd(learningRate);
        // The doubling network's loss turns NaN in its first epoch; recording that is the point here.
        var trainer = new Trainer<int>(network, optimizer, data.Train, batchSize, (ulong)seed) { StopOnDivergence = false };
        int stepsPerEpoch = (data.Train.Count + batchSize - 1) / batchSize;
        var monitor = new GradientMonitor(network, stepCapacity: Math.Max(1, epochs * stepsPerEpoch));
        monitor.Attach(trainer, network);
        progress.Run(trainer, data.Train, epochs, data.Validation, label);
        return new Run(label, network, monitor, monitor.Report(), trainer.History, Trainer<int>.Evaluate(network, data.Test));
    }
}
