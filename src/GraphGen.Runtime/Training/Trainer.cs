using System.Diagnostics;
using System.Runtime.InteropServices;
using GraphGen.Data;

namespace GraphGen.Training;

/// <summary>
/// Mini-batch training of a generated network: seeded shuffling per epoch, one optimizer step
/// per batch, running loss and accuracy, and evaluation on held-out data. Nothing is
/// allocated per batch. <typeparamref name="T"/> is int for class labels, float for real targets.
/// </summary>
public sealed class Trainer<T> where T : unmanaged
{
    private readonly ITrainableNetwork<T> _network;
    private readonly BatchIterator _batches;

    public Trainer(ITrainableNetwork<T> network, Optimizer optimizer, Dataset train, int batchSize, ulong seed)
    {
        if (typeof(T) != typeof(int) && typeof(T) != typeof(float))
            throw new ArgumentException("Targets are int class labels or float values.", nameof(T));
        if (train.HasLabels != (typeof(T) == typeof(int)))
            throw new ArgumentException($"The training set has {(train.HasLabels ? "class labels" : "real-valued targets")} but the network takes {(typeof(T) == typeof(int) ? "labels" : "real values")}.", nameof(train));
        if (train.FeatureSize != network.InputSize)
            throw new ArgumentException($"The training set has {train.FeatureSize} features per sample but {network.Name} takes {network.InputSize}.", nameof(train));
        if (batchSize > network.BatchCapacity)
            throw new ArgumentException($"Batch size {batchSize} exceeds the network's batch capacity {network.BatchCapacity}.", nameof(batchSize));
        _network = network;
        Optimizer = optimizer;
        _batches = new BatchIterator(train, batchSize, seed);
    }

    public Optimizer Optimizer { get; }

    public TrainingHistory History { get; } = new();

    /// <summary>Called after each batch with (batch number, batches per epoch, batch loss); for progress bars.</summary>
    public Action<int, int, float>? BatchCompleted { get; set; }

    /// <summary>Trains one epoch; evaluates on <paramref name="validation"/> when given.</summary>
    public EpochStats RunEpoch(int epoch, Dataset? validation = null)
    {
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        int samples = 0, correct = 0;
        bool labelled = typeof(T) == typeof(int);
        int classes = labelled ? _network.OutputSize / _network.TargetSize : 0;
        foreach (Batch batch in _batches.Epoch(epoch))
        {
            float loss = _network.TrainStep(batch.Features, Targets(batch), Optimizer);
            lossSum += (double)loss * batch.Size;
            samples += batch.Size;
            if (labelled) correct += Metrics.CountCorrect(_network.LastOutput, batch.Labels, classes);
            BatchCompleted?.Invoke(batch.Number, _batches.BatchesPerEpoch, loss);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var train = new Evaluation(lossSum / samples, labelled ? (double)correct / (samples * _network.TargetSize) : double.NaN, samples);
        var stats = new EpochStats(epoch, train, validation is null ? null : Evaluate(_network, validation), seconds, samples / seconds);
        History.Add(stats);
        return stats;
    }

    /// <summary>Mean loss (and accuracy for labels) of the network on a dataset, in batches of its capacity.</summary>
    public static Evaluation Evaluate(ITrainableNetwork<T> network, Dataset data)
    {
        var batches = new BatchIterator(data, network.BatchCapacity, seed: 0, shuffle: false);
        double lossSum = 0;
        int samples = 0, correct = 0;
        bool labelled = typeof(T) == typeof(int);
        int classes = labelled ? network.OutputSize / network.TargetSize : 0;
        foreach (Batch batch in batches.Epoch(0))
        {
            lossSum += (double)network.ComputeLoss(batch.Features, Targets(batch)) * batch.Size;
            samples += batch.Size;
            if (labelled) correct += Metrics.CountCorrect(network.LastOutput, batch.Labels, classes);
        }
        return new Evaluation(lossSum / samples, labelled ? (double)correct / (samples * network.TargetSize) : double.NaN, samples);
    }

    private static ReadOnlySpan<T> Targets(Batch batch) =>
        typeof(T) == typeof(int) ? MemoryMarshal.Cast<int, T>(batch.Labels) : MemoryMarshal.Cast<float, T>(batch.Targets);
}
