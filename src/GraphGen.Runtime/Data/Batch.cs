namespace GraphGen.Data;

/// <summary>
/// One mini-batch: views into the <see cref="BatchIterator"/>'s buffers, valid until the
/// iterator moves to the next batch.
/// </summary>
public readonly ref struct Batch
{
    private readonly ReadOnlySpan<int> _labels;
    private readonly ReadOnlySpan<float> _targets;
    private readonly bool _hasLabels;

    internal Batch(int number, int size, ReadOnlySpan<float> features, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, bool hasLabels, ReadOnlySpan<int> indices)
    {
        Number = number;
        Size = size;
        Features = features;
        _labels = labels;
        _targets = targets;
        _hasLabels = hasLabels;
        Indices = indices;
    }

    /// <summary>The position of this batch in its epoch, from 0.</summary>
    public int Number { get; }

    /// <summary>The number of samples in this batch (the batch size, or fewer for a last partial batch).</summary>
    public int Size { get; }

    /// <summary>Size × FeatureSize features, row-major.</summary>
    public ReadOnlySpan<float> Features { get; }

    /// <summary>The class label of each sample. Throws for a regression dataset.</summary>
    public ReadOnlySpan<int> Labels => _hasLabels ? _labels : throw new InvalidOperationException("The dataset has regression targets, not class labels; use Targets.");

    /// <summary>Size × TargetSize targets, row-major. Throws for a classification dataset.</summary>
    public ReadOnlySpan<float> Targets => _hasLabels ? throw new InvalidOperationException("The dataset has class labels, not regression targets; use Labels.") : _targets;

    /// <summary>The indices in the dataset of the samples in this batch.</summary>
    public ReadOnlySpan<int> Indices { get; }
}
