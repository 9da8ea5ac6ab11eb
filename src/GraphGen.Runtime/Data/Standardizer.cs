namespace GraphGen.Data;

/// <summary>
/// Z-score scaling per feature: x' = (x − mean) / σ, with the mean and (population) standard
/// deviation σ of each feature measured on the training set only and then applied unchanged
/// to validation, test and inference inputs. A feature with zero variance is only centred.
/// </summary>
/// <example><code>
/// var scaler = Standardizer.Fit(split.Train);
/// var train = scaler.Transform(split.Train);
/// var test = scaler.Transform(split.Test);
/// </code></example>
public sealed class Standardizer
{
    private readonly float[] _mean;
    private readonly float[] _standardDeviation;
    private readonly PerFeatureAffine _transform;

    /// <summary>A standardizer with known statistics, e.g. restored next to a checkpoint.</summary>
    public Standardizer(ReadOnlySpan<float> mean, ReadOnlySpan<float> standardDeviation)
    {
        if (mean.Length != standardDeviation.Length)
            throw new ArgumentException($"{mean.Length} means but {standardDeviation.Length} standard deviations.", nameof(standardDeviation));
        var scale = new float[mean.Length];
        for (int j = 0; j < mean.Length; j++)
        {
            if (!float.IsFinite(mean[j]))
                throw new ArgumentException($"The mean of feature {j} is {mean[j]}.", nameof(mean));
            if (!(standardDeviation[j] >= 0) || !float.IsFinite(standardDeviation[j]))
                throw new ArgumentException($"The standard deviation of feature {j} is {standardDeviation[j]}; it must be finite and not negative.", nameof(standardDeviation));
            // Zero (or so small that 1/σ overflows): the feature is constant, so only centre it.
            float inverse = 1f / standardDeviation[j];
            scale[j] = float.IsFinite(inverse) ? inverse : 1f;
        }
        _mean = mean.ToArray();
        _standardDeviation = standardDeviation.ToArray();
        _transform = new PerFeatureAffine(_mean, scale);
    }

    /// <summary>Measures the mean and standard deviation of each feature of <paramref name="train"/>.</summary>
    public static Standardizer Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0)
            throw new ArgumentException("Cannot fit a standardizer on an empty dataset.", nameof(train));
        int n = train.Count, size = train.FeatureSize;
        float[] features = train.Features;

        // Two passes in double: the mean first, then the spread around it (no cancellation).
        var sum = new double[size];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < size; j++) sum[j] += features[i * size + j];
        var mean = new double[size];
        for (int j = 0; j < size; j++) mean[j] = sum[j] / n;

        var squares = new double[size];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < size; j++)
            {
                double d = features[i * size + j] - mean[j];
                squares[j] += d * d;
            }
        var meanF = new float[size];
        var stdF = new float[size];
        for (int j = 0; j < size; j++)
        {
            meanF[j] = (float)mean[j];
            stdF[j] = (float)Math.Sqrt(squares[j] / n);
        }
        return new Standardizer(meanF, stdF);
    }

    /// <summary>The number of features the standardizer was fitted on.</summary>
    public int FeatureSize => _mean.Length;

    /// <summary>The mean of each feature on the training set.</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>The population standard deviation of each feature on the training set (0 for a constant feature).</summary>
    public ReadOnlySpan<float> StandardDeviation => _standardDeviation;

    /// <summary>A new dataset with standardized features; labels or targets are unchanged.</summary>
    public Dataset Transform(Dataset dataset) => _transform.Apply(dataset);

    /// <summary>Standardizes rows of features in place, e.g. a batch of inference inputs.</summary>
    public void TransformInPlace(Span<float> rows) => _transform.ApplyInPlace(rows);
}
