using System.Diagnostics;
using System.Runtime.InteropServices;
using GraphGen.Data;

namespace GraphGen.Training;

/// <summary>
/// Mini-batch training of a generated network: seeded shuffling per epoch, one optimizer step
/// per batch, running loss and accuracy, and evaluation on held-out data. Nothing is
/// allocated per batch. <typeparamref name="T"/> is int for class labels, float for real targets.
/// </summary>
/// <remarks>
/// <para>
/// Every step's loss is checked (one comparison): the first NaN or infinite loss stops the run
/// with a <see cref="TrainingDivergedException"/> naming the network, epoch and batch (unless
/// <see cref="StopOnDivergence"/> is turned off).
/// </para>
/// <para>
/// Cancellation is checked before every step and every evaluation batch. A cancelled call
/// throws <see cref="OperationCanceledException"/>, the .NET convention for a method that takes
/// a <see cref="CancellationToken"/>; each step is whole (loss, gradients and update), so the
/// network and optimizer hold the state after the last completed step and can be saved or
/// trained on. <see cref="History"/> holds the completed epochs only: the cancelled epoch is
/// not recorded, and a later <see cref="Train"/> starts that epoch again from its first batch.
/// </para>
/// <para>One trainer drives one network from one thread at a time.</para>
/// </remarks>
public sealed class Trainer<T> where T : unmanaged
{
    private readonly ITrainableNetwork<T> _network;
    private readonly BatchIterator _batches;

    /// <summary>A trainer of <paramref name="network"/> on <paramref name="train"/>.</summary>
    /// <param name="network">The network to train; its input size must match the dataset's features.</param>
    /// <param name="optimizer">The optimizer that applies each step's gradients.</param>
    /// <param name="train">The training set: class labels for T = int, real-valued targets for T = float.</param>
    /// <param name="batchSize">Samples per step, at most the network's batch capacity.</param>
    /// <param name="seed">The seed of the per-epoch shuffles (and of the augmentation): the same seed gives the same batches.</param>
    /// <param name="augmentation">Random changes of each training sample as its batch is formed (see <see cref="BatchIterator.Augmentation"/>), or null.</param>
    /// <exception cref="ArgumentException">The dataset, network and batch size do not fit together.</exception>
    public Trainer(ITrainableNetwork<T> network, Optimizer optimizer, Dataset train, int batchSize, ulong seed, AugmentationPipeline? augmentation = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(train);
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
        _batches = new BatchIterator(train, batchSize, seed) { Augmentation = augmentation };
    }

    /// <summary>The optimizer given to the constructor.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The figures of every completed epoch, in the order they ran.</summary>
    public TrainingHistory History { get; } = new();

    /// <summary>
    /// True (the default): the first NaN or infinite training loss throws
    /// <see cref="TrainingDivergedException"/>. False trains on through it, for a deliberate
    /// study of a divergence (recording its gradients, as the GradientFlow example does).
    /// </summary>
    public bool StopOnDivergence { get; set; } = true;

    /// <summary>Called after each batch with (batch number, batches per epoch, batch loss); for progress bars.</summary>
    public Action<int, int, float>? BatchCompleted { get; set; }

    /// <summary>
    /// Trains one epoch, evaluates on <paramref name="validation"/> when given, and records the
    /// figures in <see cref="History"/>.
    /// </summary>
    /// <param name="epoch">The epoch number, from 0; it seeds the epoch's shuffle.</param>
    /// <param name="validation">Held-out data to evaluate after the epoch, or null.</param>
    /// <param name="cancellationToken">Checked before every step and every evaluation batch.</param>
    /// <returns>The epoch's figures.</returns>
    /// <exception cref="TrainingDivergedException">A step's loss was NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the epoch is not recorded.</exception>
    public EpochStats RunEpoch(int epoch, Dataset? validation = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var totals = new Totals(_network);
        foreach (Batch batch in _batches.Epoch(epoch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            float loss = _network.TrainStep(batch.Features, Targets(batch), Optimizer);
            if (StopOnDivergence && !float.IsFinite(loss))
                throw new TrainingDivergedException(_network.Name, epoch, batch.Number, _batches.BatchesPerEpoch, Optimizer.StepCount, loss);
            totals.Add(_network, batch, loss);
            BatchCompleted?.Invoke(batch.Number, _batches.BatchesPerEpoch, loss);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var train = totals.Evaluation;
        var stats = new EpochStats(epoch, train, validation is null ? null : Evaluate(_network, validation, cancellationToken), seconds, train.Samples / seconds);
        History.Add(stats);
        return stats;
    }

    /// <summary>
    /// Trains <paramref name="epochs"/> more epochs, numbered on from the last one in
    /// <see cref="History"/> (from 0 for a new trainer), reporting each completed epoch.
    /// </summary>
    /// <param name="epochs">How many epochs to run.</param>
    /// <param name="validation">Held-out data to evaluate after each epoch, or null.</param>
    /// <param name="progress">
    /// Receives an <see cref="EpochProgress"/> after each epoch, on the training thread
    /// (a <see cref="Progress{T}"/> forwards it to the thread that created it). A handler may
    /// stop the run by cancelling the token: the next step throws.
    /// </param>
    /// <param name="cancellationToken">Checked before every step and every evaluation batch.</param>
    /// <returns><see cref="History"/>, with the new epochs added.</returns>
    /// <exception cref="TrainingDivergedException">A step's loss was NaN or infinite; History holds the epochs completed before it.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; History holds the completed epochs.</exception>
    public TrainingHistory Train(int epochs, Dataset? validation = null, IProgress<EpochProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        int first = History.Epochs.Count == 0 ? 0 : History.Epochs[^1].Epoch + 1;
        for (int done = 0; done < epochs; done++)
        {
            var stats = RunEpoch(first + done, validation, cancellationToken);
            progress?.Report(new EpochProgress(done + 1, epochs, stats));
        }
        return History;
    }

    /// <summary>Mean loss (and accuracy for labels) of the network on a dataset, in batches of its capacity.</summary>
    /// <param name="network">The network to evaluate (in inference mode: no dropout, running statistics).</param>
    /// <param name="data">The samples to evaluate on.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>The loss averaged over every scored label (or sample), and the accuracy for labels.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static Evaluation Evaluate(ITrainableNetwork<T> network, Dataset data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        var batches = new BatchIterator(data, network.BatchCapacity, seed: 0, shuffle: false);
        var totals = new Totals(network);
        foreach (Batch batch in batches.Epoch(0))
        {
            cancellationToken.ThrowIfCancellationRequested();
            totals.Add(network, batch, network.ComputeLoss(batch.Features, Targets(batch)));
        }
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
