using GraphGen.Data;
using GraphGen.Imaging;
using GraphGen.Training;

namespace GraphGen.Examples.Recurrence;

/// <summary>Digits as sequences, the two recurrent networks, and the gradient that reaches each time step; shared by the program and the tests.</summary>
public static class RecurrenceExperiment
{
    /// <summary>One network's run: its gradient per time step before and after training, and its test figures.</summary>
    public sealed record Run(string Label, ITrainableNetwork<int> Network, double[] InitialGradientPerStep, double[] TrainedGradientPerStep, Evaluation Test);

    /// <summary>The digits split 70/15/15 by class, each sample reshaped to 16 steps of 4 pixels.</summary>
    public static DatasetSplits Digits(int seed)
    {
        var split = DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), 0.7, 0.15, (ulong)seed);
        int[] shape = [DigitSequence.Steps, DigitSequence.Inputs];
        return new DatasetSplits(split.Train.WithFeatureShape(shape), split.Validation.WithFeatureShape(shape), split.Test.WithFeatureShape(shape));
    }

    /// <summary>
    /// ‖∂L/∂x_t‖ for each time step t, averaged over the samples of <paramref name="data"/>: how much
    /// of the loss's gradient flows back to the input of each step. The loss is a batch mean, so
    /// each row of the input gradient is multiplied by the batch size to give a sample's own gradient.
    /// </summary>
    public static double[] GradientPerStep<TNetwork>(TNetwork network, Dataset data)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
    {
        const int steps = DigitSequence.Steps, inputs = DigitSequence.Inputs;
        int count = Math.Min(data.Count, network.BatchCapacity);
        network.ComputeGradients(data.Features.AsSpan(0, count * steps * inputs), data.Labels.AsSpan(0, count));
        var gradient = network.InputGradient;
        var norms = new double[steps];
        for (int r = 0; r < count; r++)
            for (int t = 0; t < steps; t++)
            {
                double sum = 0;
                for (int i = 0; i < inputs; i++)
                {
                    double g = gradient[(r * steps + t) * inputs + i] * (double)count;
                    sum += g * g;
                }
                norms[t] += Math.Sqrt(sum) / count;
            }
        return norms;
    }

    /// <summary>Measures the gradient per step, trains with Adam, measures again and evaluates.</summary>
    public static Run Train<TNetwork>(string label, TNetwork network, DatasetSplits data, int epochs, int seed, float learningRate, int batchSize, TrainingProgress progress)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
    {
        var initial = GradientPerStep(network, data.Test);
        var trainer = new Trainer<int>(network, new Adam(learningRate), data.Train, batchSize, (ulong)seed);
        progress.Run(trainer, data.Train, epochs, data.Validation, label);
        return new Run(label, network, initial, GradientPerStep(network, data.Test), Trainer<int>.Evaluate(network, data.Test));
    }

    /// <summary>‖∂L/∂x_t‖ against t on a log axis: before and after training, for each network.</summary>
    public static LinePlot GradientPlot(IReadOnlyList<Run> runs)
    {
        var plot = new LinePlot
        {
            Title = "Gradient reaching each time step (mean over the test digits)",
            XLabel = "time step t (the loss is computed after step 16)", YLabel = "‖∂L/∂x_t‖", LogY = true, Width = 720,
        };
        double[] steps = [.. Enumerable.Range(1, DigitSequence.Steps).Select(t => (double)t)];
        foreach (var run in runs)
        {
            plot.Add($"{run.Label}, initial", steps, run.InitialGradientPerStep, markers: true);
            plot.Add($"{run.Label}, trained", steps, run.TrainedGradientPerStep, markers: true);
        }
        return plot;
    }
}
