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
        var totals = new Totals(_network);
        foreach (Batch batch in _batches.Epoch(epoch))
        {
            float loss = _network.TrainStep(batch.Features, Targets(batch), Optimizer);
            totals.Add(_network, batch, loss);
            BatchCompleted?.Invoke(batch.Number, _batches.BatchesPerEpoch, loss);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var train = totals.Evaluation;
        var stats = new EpochStats(epoch, train, validation is null ? null : Evaluate(_network, validation), seconds, train.Samples / seconds);
        History.Add(stats);
        return stats;
    }

    /// <summary>Mean loss (and accuracy for labels) of the network on a dataset, in batches of its capacity.</summary>
    public static Evaluation Evaluate(ITrainableNetwork<T> network, Dataset data)
    {
        var batches = new BatchIterator(data, network.BatchCapacity, seed: 0, shuffle: false);
        var totals = new Totals(network);
        foreach (Batch batch in batches.Epoch(0))
            totals.Add(network, batch, network.ComputeLoss(batch.Features, Targets(batch)));
        return totals.Evaluation;
    }

    /// <summary>
    /// Running sums over the batches of an epoch. With labels, each batch's mean loss is weighted
    /// by the labels it scored (all of them, unless the network ignores a padding label), so the
    /// result is the mean over every scored label, like the accuracy; otherwise by its samples.
    /// </summary>
    private struct Totals(ITrainableNetwork<T> network)
    {
        private readonly bool _labelled = typeof(T) == typeof(int);
        private readonly int _classes = typeof(T) == typeof(int) ? network.OutputSize / network.TargetSize : 0;
        private readonly int? _ignored = network.IgnoredLabel;
        private double _lossSum, _weight;
        private long _scored, _correct;
        private int _samples;

        public void Add(ITrainableNetwork<T> net, Batch batch, float loss)
        {
            _samples += batch.Size;
            if (!_labelled)
            {
                _lossSum += (double)loss * batch.Size;
                _weight += batch.Size;
                return;
            }
            int scored = Metrics.CountScored(batch.Labels, _ignored);
            _lossSum += (double)loss * scored;
            _weight += scored;
            _scored += scored;
            _correct += Metrics.CountCorrect(net.LastOutput, batch.Labels, _classes, _ignored);
        }

        public readonly Evaluation Evaluation => new(
            _weight > 0 ? _lossSum / _weight : 0,
            _labelled ? (_scored > 0 ? (double)_correct / _scored : double.NaN) : double.NaN,
            _samples);
    }

    private static ReadOnlySpan<T> Targets(Batch batch) =>
        typeof(T) == typeof(int) ? MemoryMarshal.Cast<int, T>(batch.Labels) : MemoryMarshal.Cast<float, T>(batch.Targets);
}
