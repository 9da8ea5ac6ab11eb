using GraphGen.Data;
using GraphGen.Imaging;
using GraphGen.Training;

namespace GraphGen.Examples.Normalization;

/// <summary>The four variants trained alike, their curves, and BatchNorm's two modes side by side; shared by the program and the tests.</summary>
public static class NormalizationExperiment
{
    /// <summary>One variant's run: its history and final losses, all in inference mode.</summary>
    public sealed record Run(string Label, ITrainableNetwork<int> Network, TrainingHistory History, Evaluation Train, Evaluation Validation, Evaluation Test);

    /// <summary>The variants, in the order of the plots.</summary>
    public static (string Label, ITrainableNetwork<int> Network)[] Networks(int seed) =>
    [
        ("plain", new PlainNet(batchCapacity: 256, seed: seed)),
        ("batchnorm", new BatchNormNet(batchCapacity: 256, seed: seed)),
        ("layernorm", new LayerNormNet(batchCapacity: 256, seed: seed)),
        ("dropout", new DropoutNet(batchCapacity: 256, seed: seed)),
    ];

    /// <summary>The digits split 70/15/15 by class, with the training set cut to its first <paramref name="trainSamples"/> samples (few samples make overfitting visible).</summary>
    public static DatasetSplits Digits(int seed, int trainSamples)
    {
        var split = DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), 0.7, 0.15, (ulong)seed);
        return new DatasetSplits(split.Train.Take(Math.Min(trainSamples, split.Train.Count)), split.Validation, split.Test);
    }

    /// <summary>Plain SGD (no momentum, so the normalisation's effect on the speed of training is not hidden by the optimizer).</summary>
    public static Run Train(string label, ITrainableNetwork<int> network, DatasetSplits data, int epochs, int seed, float learningRate, int batchSize, TrainingProgress progress)
    {
        var trainer = new Trainer<int>(network, new Sgd(learningRate), data.Train, batchSize, (ulong)seed);
        progress.Run(trainer, data.Train, epochs, data.Validation, label);
        return new Run(label, network, trainer.History,
            Trainer<int>.Evaluate(network, data.Train), Trainer<int>.Evaluate(network, data.Validation), Trainer<int>.Evaluate(network, data.Test));
    }

    /// <summary>Validation loss per epoch, one line per variant.</summary>
    public static LinePlot ValidationLoss(IReadOnlyList<Run> runs)
    {
        var plot = new LinePlot { Title = "Validation loss while training (plain SGD)", XLabel = "epoch", YLabel = "validation loss", LogY = true };
        foreach (var run in runs)
            plot.Add(run.Label, [.. run.History.Epochs.Select(e => (double)e.Epoch + 1)], [.. run.History.Epochs.Select(e => e.Validation!.Value.Loss)]);
        return plot;
    }

    /// <summary>After training: the loss on the training samples and on the validation samples (inference mode), per variant; the gap is overfitting.</summary>
    public static BarChart Gap(IReadOnlyList<Run> runs) =>
        new BarChart(runs.Select(r => r.Label)) { Title = "After training: train against validation loss", YLabel = "loss (inference mode)", LogY = true }
            .Add("train", [.. runs.Select(r => r.Train.Loss)])
            .Add("validation", [.. runs.Select(r => r.Validation.Loss)]);

    /// <summary>How one sample's output depends on the rest of its batch, in BatchNorm's two modes.</summary>
    public sealed record BatchDependence(double TrainingModeDifference, double InferenceModeDifference);

    /// <summary>
    /// Sample 0 of <paramref name="data"/> in two batches that share only it: in training mode
    /// BatchNorm standardises with each batch's own statistics, so its logits differ; in inference
    /// mode it uses the running averages and they are the same. Runs on a copy of the network, so
    /// the running averages of <paramref name="trained"/> are left as they are.
    /// </summary>
    public static BatchDependence CompareModes(BatchNormNet trained, Dataset data, int batchSize)
    {
        var copy = new BatchNormNet(batchCapacity: batchSize, seed: 0);
        trained.Parameters.CopyTo(copy.Parameters);
        trained.State.CopyTo(copy.State);
        var first = data.Features.AsSpan(0, batchSize * 64).ToArray();
        var second = new float[batchSize * 64];
        data.Features.AsSpan(0, 64).CopyTo(second);
        data.Features.AsSpan((batchSize + 1) * 64, (batchSize - 1) * 64).CopyTo(second.AsSpan(64));
        int[] labels1 = [.. data.Labels.AsSpan(0, batchSize)];
        int[] labels2 = [data.Labels[0], .. data.Labels.AsSpan(batchSize + 1, batchSize - 1)];

        float[] TrainingLogits(float[] x, int[] y)
        {
            copy.ComputeGradients(x, y);   // a training-mode forward pass (no update)
            return copy.LastOutput[..10].ToArray();
        }
        float[] InferenceLogits(float[] x)
        {
            var output = new float[batchSize * 10];
            copy.Forward(x, output);
            return output[..10];
        }
        var state = copy.State.ToArray();
        var a = TrainingLogits(first, labels1);
        var b = TrainingLogits(second, labels2);
        state.CopyTo(copy.State);   // undo the running averages' two updates
        var c = InferenceLogits(first);
        var d = InferenceLogits(second);
        return new BatchDependence(MaxDifference(a, b), MaxDifference(c, d));
    }

    private static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}
