namespace GraphGen.Data;

/// <summary>
/// The transform the feature scalers share: x'[j] = (x[j] − offset[j]) · scale[j] for each
/// feature j of each sample.
/// </summary>
internal sealed class PerFeatureAffine
{
    private readonly float[] _offset;
    private readonly float[] _scale;

    public PerFeatureAffine(float[] offset, float[] scale)
    {
        if (offset.Length != scale.Length)
            throw new ArgumentException($"{offset.Length} offsets but {scale.Length} scales.");
        if (offset.Length == 0)
            throw new ArgumentException("A feature transform needs at least one feature.");
        _offset = offset;
        _scale = scale;
    }

    public int FeatureSize => _offset.Length;

    public Dataset Apply(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.FeatureSize != FeatureSize)
            throw new ArgumentException($"The scaler was fitted on samples of {FeatureSize} features, but these have {dataset.FeatureSize}.", nameof(dataset));
        var features = (float[])dataset.Features.Clone();
        ApplyInPlace(features);
        return dataset.WithFeatures(features);
    }

    public void ApplyInPlace(Span<float> rows)
    {
        if (rows.Length % FeatureSize != 0)
            throw new ArgumentException($"{rows.Length} values do not divide into samples of {FeatureSize} features.", nameof(rows));
        for (int start = 0; start < rows.Length; start += FeatureSize)
        {
            Span<float> row = rows.Slice(start, FeatureSize);
            for (int j = 0; j < row.Length; j++) row[j] = (row[j] - _offset[j]) * _scale[j];
        }
    }
}
