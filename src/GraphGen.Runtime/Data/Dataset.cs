namespace GraphGen.Data;

/// <summary>
/// An in-memory supervised dataset: <see cref="Count"/> samples, each a row of
/// <see cref="FeatureSize"/> floats (row-major in <see cref="Features"/>), with either a class
/// label per sample (classification) or <see cref="TargetSize"/> floats per sample (regression).
/// </summary>
/// <remarks>
/// The constructors validate everything (lengths, shapes, label range, finite values), so every
/// <see cref="Dataset"/> in the program is well formed. The arrays are exposed for speed and
/// are not copied on the way out: treat them as read-only. Methods that change nothing about
/// an array (<see cref="WithFeatureShape"/>, feature scaling for the labels) share it.
/// </remarks>
public sealed partial class Dataset
{
    private readonly int[] _featureShape;
    private readonly int[]? _labels;
    private readonly float[]? _targets;
    private readonly string[]? _classNames;

    /// <summary>A classification dataset: one label in [0, <paramref name="classCount"/>) per sample.</summary>
    /// <param name="features">Count × FeatureSize values, sample after sample.</param>
    /// <param name="featureShape">The shape of one sample, e.g. [64] or [1, 28, 28]; its product is FeatureSize.</param>
    /// <param name="labels">The class index of each sample.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="classNames">Optional names of the classes, one per class.</param>
    /// <param name="labelsPerSample">Labels per sample: 1 for classification, T for a sequence model that predicts every position.</param>
    /// <param name="ignoredLabel">A label outside the classes that marks a position with nothing to predict (padding), for a network whose loss ignores it.</param>
    public Dataset(float[] features, ReadOnlySpan<int> featureShape, int[] labels, int classCount, IReadOnlyList<string>? classNames = null, int labelsPerSample = 1,
        int? ignoredLabel = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        _featureShape = ValidateShape(featureShape);
        FeatureSize = Product(_featureShape);
        Count = CountSamples(features.Length, FeatureSize, _featureShape);
        ValidateFinite(features, FeatureSize, nameof(features));
        if (classCount < 1)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A classification dataset needs at least one class.");
        if (labelsPerSample < 1)
            throw new ArgumentOutOfRangeException(nameof(labelsPerSample), labelsPerSample, "A classification dataset needs at least one label per sample.");
        if (labels.Length != (long)Count * labelsPerSample)
            throw new ArgumentException(labelsPerSample == 1
                ? $"There are {Count} samples but {labels.Length} labels; each sample needs exactly one label."
                : $"There are {Count} samples with {labelsPerSample} labels each, so {(long)Count * labelsPerSample} labels were expected, but there are {labels.Length}.", nameof(labels));
        if (ignoredLabel is >= 0 && ignoredLabel < classCount)
            throw new ArgumentOutOfRangeException(nameof(ignoredLabel), ignoredLabel, $"The ignored label must not be a class index (0..{classCount - 1}).");
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount && labels[i] != ignoredLabel)
                throw new ArgumentException($"Label {labels[i]} of sample {i / labelsPerSample} is outside [0, {classCount})"
                    + (ignoredLabel is { } ignored ? $" and is not the ignored label {ignored}." : "."), nameof(labels));
        }
        if (classNames is not null)
        {
            if (classNames.Count != classCount)
                throw new ArgumentException($"There are {classCount} classes but {classNames.Count} class names.", nameof(classNames));
            _classNames = [.. classNames];
        }
        Features = features;
        _labels = labels;
        ClassCount = classCount;
        LabelSize = labelsPerSample;
        IgnoredLabel = ignoredLabel;
    }

    /// <summary>The label that marks a position with nothing to predict, or null when every label is a class.</summary>
    public int? IgnoredLabel { get; }

    /// <summary>A regression dataset: <paramref name="targetSize"/> target values per sample.</summary>
    /// <param name="features">Count × FeatureSize values, sample after sample.</param>
    /// <param name="featureShape">The shape of one sample; its product is FeatureSize.</param>
    /// <param name="targets">Count × <paramref name="targetSize"/> values, sample after sample.</param>
    /// <param name="targetSize">The number of target values per sample.</param>
    public Dataset(float[] features, ReadOnlySpan<int> featureShape, float[] targets, int targetSize)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        _featureShape = ValidateShape(featureShape);
        FeatureSize = Product(_featureShape);
        Count = CountSamples(features.Length, FeatureSize, _featureShape);
        ValidateFinite(features, FeatureSize, nameof(features));
        if (targetSize < 1)
            throw new ArgumentOutOfRangeException(nameof(targetSize), targetSize, "A regression dataset needs at least one target value per sample.");
        if (targets.Length != (long)Count * targetSize)
            throw new ArgumentException($"There are {Count} samples with {targetSize} target value(s) each, so {(long)Count * targetSize} targets were expected, but there are {targets.Length}.", nameof(targets));
        ValidateFinite(targets, targetSize, nameof(targets));
        Features = features;
        _targets = targets;
        TargetSize = targetSize;
    }

    // For datasets derived from a validated one: the invariants already hold.
    private Dataset(float[] features, int[] featureShape, int[]? labels, int classCount, string[]? classNames, float[]? targets, int targetSize, int labelSize,
        int? ignoredLabel)
    {
        LabelSize = labelSize;
        IgnoredLabel = ignoredLabel;
        Features = features;
        _featureShape = featureShape;
        FeatureSize = Product(featureShape);
        Count = features.Length / FeatureSize;
        _labels = labels;
        ClassCount = classCount;
        _classNames = classNames;
        _targets = targets;
        TargetSize = targetSize;
    }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Number of floats per sample: the product of <see cref="FeatureShape"/>.</summary>
    public int FeatureSize { get; }

    /// <summary>The shape of one sample, e.g. [64] or [1, 28, 28].</summary>
    public IReadOnlyList<int> FeatureShape => _featureShape;

    /// <summary>All features, Count × FeatureSize, row-major. Read-only by convention.</summary>
    public float[] Features { get; }

    /// <summary>True for a classification dataset (labels), false for regression (targets).</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>The class index of each sample. Throws for a regression dataset.</summary>
    public int[] Labels => _labels ?? throw new InvalidOperationException("This dataset has regression targets, not class labels; use Targets.");

    /// <summary>Labels per sample: 1 for classification, T for per-position labels of a sequence; 0 for regression.</summary>
    public int LabelSize { get; }

    /// <summary>The number of classes; 0 for a regression dataset.</summary>
    public int ClassCount { get; }

    /// <summary>The names of the classes when known (e.g. "setosa"); otherwise null.</summary>
    public IReadOnlyList<string>? ClassNames => _classNames;

    /// <summary>All targets, Count × TargetSize, row-major. Throws for a classification dataset.</summary>
    public float[] Targets => _targets ?? throw new InvalidOperationException("This dataset has class labels, not regression targets; use Labels.");

    /// <summary>The number of target values per sample; 0 for a classification dataset.</summary>
    public int TargetSize { get; }

    /// <summary>The features of one sample.</summary>
    public ReadOnlySpan<float> FeaturesOf(int index)
    {
        CheckIndex(index);
        return Features.AsSpan(index * FeatureSize, FeatureSize);
    }

    /// <summary>The class label of one sample.</summary>
    public int LabelOf(int index)
    {
        CheckIndex(index);
        if (LabelSize != 1)
            throw new InvalidOperationException($"Each sample has {LabelSize} labels; use LabelsOf.");
        return Labels[index];
    }

    /// <summary>The labels of sample <paramref name="index"/> (one, or one per position of a sequence).</summary>
    public ReadOnlySpan<int> LabelsOf(int index)
    {
        CheckIndex(index);
        return Labels.AsSpan(index * LabelSize, LabelSize);
    }

    /// <summary>The targets of one sample.</summary>
    public ReadOnlySpan<float> TargetsOf(int index)
    {
        CheckIndex(index);
        return Targets.AsSpan(index * TargetSize, TargetSize);
    }

    /// <summary>A new dataset of the given samples, in the given order (an index may repeat).</summary>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"Index {i} of the subset points to sample {indices[i]}, outside [0, {Count}).");
        }
        var features = new float[indices.Length * FeatureSize];
        int[]? labels = _labels is null ? null : new int[indices.Length * LabelSize];
        float[]? targets = _targets is null ? null : new float[indices.Length * TargetSize];
        for (int i = 0; i < indices.Length; i++)
        {
            int source = indices[i];
            Features.AsSpan(source * FeatureSize, FeatureSize).CopyTo(features.AsSpan(i * FeatureSize));
            if (labels is not null) _labels.AsSpan(source * LabelSize, LabelSize).CopyTo(labels.AsSpan(i * LabelSize));
            if (targets is not null) _targets.AsSpan(source * TargetSize, TargetSize).CopyTo(targets.AsSpan(i * TargetSize));
        }
        return new Dataset(features, _featureShape, labels, ClassCount, _classNames, targets, TargetSize, LabelSize, IgnoredLabel);
    }

    /// <summary>A new dataset of <paramref name="count"/> consecutive samples starting at <paramref name="start"/>.</summary>
    public Dataset Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Slice({start}, {count}) does not fit in a dataset of {Count} samples.");
        return new Dataset(
            Features.AsSpan(start * FeatureSize, count * FeatureSize).ToArray(),
            _featureShape,
            _labels?.AsSpan(start * LabelSize, count * LabelSize).ToArray(),
            ClassCount,
            _classNames,
            _targets?.AsSpan(start * TargetSize, count * TargetSize).ToArray(),
            TargetSize,
            LabelSize,
            IgnoredLabel);
    }

    /// <summary>The first <paramref name="count"/> samples (all of them when there are fewer).</summary>
    public Dataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Slice(0, Math.Min(count, Count));
    }

    /// <summary>The same samples seen with another shape of the same size, e.g. [64] as [1, 8, 8]. Shares the arrays.</summary>
    public Dataset WithFeatureShape(ReadOnlySpan<int> featureShape)
    {
        int[] shape = ValidateShape(featureShape);
        if (Product(shape) != FeatureSize)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {Product(shape)} values per sample, but the samples have {FeatureSize} ([{string.Join(", ", _featureShape)}]).", nameof(featureShape));
        return new Dataset(Features, shape, _labels, ClassCount, _classNames, _targets, TargetSize, LabelSize, IgnoredLabel);
    }

    /// <summary>A new dataset whose features are multiplied by <paramref name="factor"/>, e.g. 1/16 for digits or 1/255 for MNIST pixels.</summary>
    public Dataset ScaleFeatures(float factor)
    {
        if (!float.IsFinite(factor))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The scale factor must be finite.");
        var features = new float[Features.Length];
        for (int i = 0; i < features.Length; i++) features[i] = Features[i] * factor;
        return WithFeatures(features);
    }

    /// <summary>
    /// A new dataset with the same shape and labels or targets and the given features (used by
    /// the feature scalers). The features are checked to have the same length and to be finite.
    /// </summary>
    internal Dataset WithFeatures(float[] features)
    {
        if (features.Length != Features.Length)
            throw new ArgumentException($"Expected {Features.Length} feature values, found {features.Length}.", nameof(features));
        ValidateFinite(features, FeatureSize, nameof(features));
        return new Dataset(features, _featureShape, _labels, ClassCount, _classNames, _targets, TargetSize, LabelSize, IgnoredLabel);
    }

    /// <inheritdoc />
    public override string ToString() => HasLabels
        ? $"Dataset: {Count} samples of [{string.Join(", ", _featureShape)}], {ClassCount} classes"
        : $"Dataset: {Count} samples of [{string.Join(", ", _featureShape)}], {TargetSize} target(s)";

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset has {Count} samples.");
    }

    private static int[] ValidateShape(ReadOnlySpan<int> shape)
    {
        if (shape.IsEmpty)
            throw new ArgumentException("The feature shape needs at least one dimension, e.g. [64].", "featureShape");
        long size = 1;
        foreach (int dim in shape)
        {
            if (dim < 1)
                throw new ArgumentException($"The feature shape [{string.Join(", ", shape.ToArray())}] has a dimension below 1.", "featureShape");
            size *= dim;
            if (size > int.MaxValue)
                throw new ArgumentException($"The feature shape [{string.Join(", ", shape.ToArray())}] is too large.", "featureShape");
        }
        return shape.ToArray();
    }

    private static int Product(int[] shape)
    {
        int size = 1;
        foreach (int dim in shape) size *= dim;
        return size;
    }

    private static int CountSamples(int featureLength, int featureSize, int[] shape)
    {
        if (featureLength % featureSize != 0)
            throw new ArgumentException($"{featureLength} feature values do not divide into samples of {featureSize} ([{string.Join(", ", shape)}]).", "features");
        return featureLength / featureSize;
    }

    private static void ValidateFinite(float[] values, int rowSize, string parameterName)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"Value {i % rowSize} of sample {i / rowSize} is {values[i]}; every value must be finite.", parameterName);
        }
    }
}
