using GraphGen.Data;
using GraphGen.Imaging;
using GraphGen.Inspection;
using GraphGen.Training;

namespace GraphGen.Examples.DenseBlocks;

/// <summary>Trains the three networks alike with a gradient monitor attached; shared by the program and the tests.</summary>
public static class SkipExperiment
{
    /// <summary>One network's run: its per-layer gradient report and test figures.</summary>
    public sealed record Run(string Label, ITrainableNetwork<int> Network, GradientMonitor Monitor, GradientReport Report, TrainingHistory History, Evaluation Test);

    /// <summary>The three networks, in the order of the plots: no skips, residual, dense block.</summary>
    public static (string Label, ITrainableNetwork<int> Network)[] Networks(int seed) =>
    [
        ("plain", new PlainMlp(batchCapacity: 256, seed: seed)),
        ("residual", new ResidualMlp(batchCapacity: 256, seed: seed)),
        ("dense block", new DenseBlockMlp(batchCapacity: 256, seed: seed)),
    ];

    /// <summary>
    /// Plain SGD (its update is the gradient times the learning rate, so a layer's gradient norm
    /// is how fast it learns), the same seed, batches and epochs for every network.
    /// </summary>
    public static Run Train(string label, ITrainableNetwork<int> network, DatasetSplits data, int epochs, int seed,
        float learningRate, int batchSize, TrainingProgress progress)
    {
        var trainer = new Trainer<int>(network, new Sgd(learningRate), data.Train, batchSize, (ulong)seed);
        int steps = Math.Max(1, epochs * ((data.Train.Count + batchSize - 1) / batchSize));
        var monitor = new GradientMonitor(network, stepCapacity: steps);
        monitor.Attach(trainer, network);
        progress.Run(trainer, data.Train, epochs, data.Validation, label);
        return new Run(label, network, monitor, monitor.Report(), trainer.History, Trainer<int>.Evaluate(network, data.Test));
    }

    /// <summary>Median gradient norm of every layer (stem, layer0…layer7, output), one bar series per network, on a log axis.</summary>
    public static BarChart GradientNormPerLayer(IReadOnlyList<Run> runs)
    {
        var layers = runs[0].Report.Layers.Select(l => l.Layer).ToArray();
        var chart = new BarChart(layers)
        {
            Title = "Gradient norm per layer (median over training steps)",
            XLabel = "layer (input → output)", YLabel = "median ‖∇‖ of the layer", LogY = true, Width = 760,
        };
        foreach (var run in runs)
        {
            if (!run.Report.Layers.Select(l => l.Layer).SequenceEqual(layers))
                throw new ArgumentException($"Run '{run.Label}' has other layers than '{runs[0].Label}'; the bars must line up.", nameof(runs));
            chart.Add(run.Label, [.. run.Report.Layers.Select(l => l.MedianGradientNorm)]);
        }
        return chart;
    }

    /// <summary>Validation accuracy per epoch of each network.</summary>
    public static LinePlot AccuracyByEpoch(IReadOnlyList<Run> runs)
    {
        var plot = new LinePlot { Title = "Validation accuracy", XLabel = "epoch", YLabel = "accuracy", YLimits = new ValueRange(0, 1) };
        foreach (var run in runs)
        {
            var epochs = run.History.Epochs;
            plot.Add(run.Label, [.. epochs.Select(e => (double)e.Epoch + 1)], [.. epochs.Select(e => e.Validation!.Value.Accuracy)]);
        }
        return plot;
    }
}
