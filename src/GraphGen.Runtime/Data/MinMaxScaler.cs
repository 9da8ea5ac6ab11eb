namespace GraphGen.Data;

/// <summary>
/// Scales each feature to [0, 1]: x' = (x − min) / (max − min), with the minimum and maximum
/// of each feature measured on the training set only. Values outside the training range map
/// outside [0, 1]. A constant feature maps to 0. For a known range, such as pixel values, use
/// <see cref="Dataset.ScaleFeatures"/> instead (e.g. 1/255 for MNIST, 1/16 for digits).
/// </summary>
public sealed class MinMaxScaler
{
    private readonly float[] _minimum;
    private readonly float[] _maximum;
    private readonly PerFeatureAffine _transform;

    private MinMaxScaler(float[] minimum, float[] maximum)
    {
        _minimum = minimum;
        _maximum = maximum;
        var scale = new float[minimum.Length];
        for (int j = 0; j < scale.Length; j++)
        {
            float range = maximum[j] - minimum[j];
            scale[j] = range > 0 ? 1f / range : 1f;
        }
        _transform = new PerFeatureAffine(minimum, scale);
    }

    /// <summary>Measures the minimum and maximum of each feature of <paramref name="train"/>.</summary>
    public static MinMaxScaler Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0)
            throw new ArgumentException("Cannot fit a scaler on an empty dataset.", nameof(train));
        int size = train.FeatureSize;
        var minimum = train.FeaturesOf(0).ToArray();
        var maximum = train.FeaturesOf(0).ToArray();
        for (int i = 1; i < train.Count; i++)
        {
            ReadOnlySpan<float> row = train.FeaturesOf(i);
            for (int j = 0; j < size; j++)
            {
                minimum[j] = Math.Min(minimum[j], row[j]);
                maximum[j] = Math.Max(maximum[j], row[j]);
            }
        }
        return new MinMaxScaler(minimum, maximum);
    }

    /// <summary>The minimum of each feature on the training set.</summary>
    public ReadOnlySpan<float> Minimum => _minimum;

    /// <summary>The maximum of each feature on the training set.</summary>
    public ReadOnlySpan<float> Maximum => _maximum;

    /// <summary>A new dataset with scaled features; labels or targets are unchanged.</summary>
    public Dataset Transform(Dataset dataset) => _transform.Apply(dataset);

    /// <summary>Scales rows of features in place, e.g. a batch of inference inputs.</summary>
    public void TransformInPlace(Span<float> rows) => _transform.ApplyInPlace(rows);
}
