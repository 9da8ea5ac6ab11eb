namespace GraphGen.Data;

/// <summary>
/// Mini-batches of a <see cref="Dataset"/>, one epoch at a time, copied into buffers the
/// iterator owns: after construction, iterating allocates nothing.
/// </summary>
/// <remarks>
/// The order of epoch e is a shuffle seeded by (seed, e) alone, so it is the same whether or
/// not epochs 0..e−1 ran first: a run resumed at epoch 7 sees exactly the batches it would
/// have seen. Every sample appears once per epoch; with <c>dropLast</c> the samples that do
/// not fill a last whole batch are left out of that epoch (a different few each epoch).
/// </remarks>
/// <example><code>
/// var batches = new BatchIterator(train, batchSize: 32, seed: 1);
/// for (int epoch = 0; epoch &lt; 10; epoch++)
///     foreach (Batch batch in batches.Epoch(epoch))
///         network.TrainStep(batch.Features, batch.Labels, optimizer);
/// </code></example>
public sealed class BatchIterator
{
    private readonly int[] _order;
    private readonly float[] _features;
    private readonly int[]? _labels;
    private readonly float[]? _targets;
    private int _generation;
    private int _epoch;

    /// <param name="dataset">The samples to iterate.</param>
    /// <param name="batchSize">The number of samples per batch (the last batch may be smaller).</param>
    /// <param name="seed">The seed of the per-epoch shuffles.</param>
    /// <param name="shuffle">False keeps the dataset's order in every epoch (for evaluation).</param>
    /// <param name="dropLast">True leaves out a last, partial batch.</param>
    public BatchIterator(Dataset dataset, int batchSize, ulong seed, bool shuffle = true, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        Dataset = dataset;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        DropLast = dropLast;
        BatchesPerEpoch = dropLast ? dataset.Count / batchSize : (dataset.Count + batchSize - 1) / batchSize;
        _order = new int[dataset.Count];
        int capacity = Math.Min(batchSize, dataset.Count);
        _features = new float[capacity * dataset.FeatureSize];
        if (dataset.HasLabels) _labels = new int[capacity * dataset.LabelSize];
        else _targets = new float[capacity * dataset.TargetSize];
    }

    /// <summary>The dataset being iterated.</summary>
    public Dataset Dataset { get; }

    /// <summary>The number of samples in a full batch.</summary>
    public int BatchSize { get; }

    /// <summary>The seed of the per-epoch shuffles.</summary>
    public ulong Seed { get; }

    /// <summary>Whether each epoch shuffles the samples.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a last, partial batch is left out.</summary>
    public bool DropLast { get; }

    /// <summary>The number of batches each epoch yields.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>
    /// Random changes applied to every sample as it is copied into a batch (noise, shifts,
    /// rotations, crops), each from the stream of (seed, epoch, sample index); null for none.
    /// The dataset itself is never changed.
    /// </summary>
    public AugmentationPipeline? Augmentation
    {
        get;
        init
        {
            if (value is not null && value.Layout.Size != Dataset.FeatureSize)
                throw new ArgumentException($"The augmentation's images are {value.Layout} = {value.Layout.Size} floats, but the dataset's samples hold {Dataset.FeatureSize}.", nameof(Augmentation));
            field = value;
        }
    }

    /// <summary>
    /// Starts epoch <paramref name="epoch"/> and returns its batches, for <c>foreach</c>. Each
    /// batch's spans point into the iterator's buffers, so they are valid until the next batch;
    /// starting another epoch ends this one.
    /// </summary>
    public EpochBatches Epoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (Shuffle) new SeededRandom(EpochSeed(Seed, epoch)).Shuffle<int>(_order);
        _epoch = epoch;
        return new EpochBatches(this, ++_generation);
    }

    internal bool IsCurrent(int generation) => generation == _generation;

    // Copies batch `number` of the current epoch into the buffers and returns its size.
    internal int Fill(int number)
    {
        Dataset dataset = Dataset;
        int start = number * BatchSize;
        int size = Math.Min(BatchSize, _order.Length - start);
        int featureSize = dataset.FeatureSize;
        float[] features = dataset.Features;
        for (int i = 0; i < size; i++)
        {
            int sample = _order[start + i];
            Array.Copy(features, sample * featureSize, _features, i * featureSize, featureSize);
            Augmentation?.Apply(_features.AsSpan(i * featureSize, featureSize), Seed, _epoch, sample);
            if (_labels is not null)
            {
                int labelSize = dataset.LabelSize;
                Array.Copy(dataset.Labels, sample * labelSize, _labels, i * labelSize, labelSize);
            }
            else
            {
                int targetSize = dataset.TargetSize;
                Array.Copy(dataset.Targets, sample * targetSize, _targets!, i * targetSize, targetSize);
            }
        }
        return size;
    }

    internal Batch View(int number, int size) => new(
        number,
        size,
        _features.AsSpan(0, size * Dataset.FeatureSize),
        _labels is null ? default : _labels.AsSpan(0, size * Dataset.LabelSize),
        _targets is null ? default : _targets.AsSpan(0, size * Dataset.TargetSize),
        Dataset.HasLabels,
        _order.AsSpan(number * BatchSize, size));

    // Independent streams per epoch: the SplitMix64 finaliser of the epoch number, mixed into
    // the seed and finalised again (SeededRandom's own seeding adds a further SplitMix64 step).
    private static ulong EpochSeed(ulong seed, int epoch) => Finalise(seed ^ Finalise(0x45504F4348UL + (ulong)epoch));

    private static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
