namespace GraphGen.Data;

/// <summary>
/// A list of <see cref="Augmentation"/>s applied in order to each image sample. Each sample
/// draws from a random stream of its own, selected by (seed, epoch, sample index): the same
/// seed gives the same augmented bits in every run, whatever the batch size, shuffle or thread,
/// and each epoch sees a fresh variant of every sample. Give one to a <see cref="BatchIterator"/>
/// or a <c>Trainer</c> to augment the training batches; <see cref="Augment"/> makes an augmented
/// copy of a whole dataset (a noisy test set).
/// </summary>
/// <example><code>
/// var augmentation = new AugmentationPipeline(new ImageLayout(1, 8, 8),
///     new RandomShift(1), new RandomRotation(10), new GaussianNoise(0.3f) { VaryLevel = true, Min = 0, Max = 1 });
/// var trainer = new Trainer&lt;int&gt;(network, new Adam(1e-3f), train, batchSize: 32, seed: 0, augmentation);
/// </code></example>
public sealed class AugmentationPipeline
{
    private readonly Augmentation[] _steps;
    private readonly float[] _scratch;

    /// <summary>A pipeline for images of <paramref name="layout"/> that applies <paramref name="steps"/> in order.</summary>
    public AugmentationPipeline(ImageLayout layout, params Augmentation[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Length == 0) throw new ArgumentException("An augmentation pipeline needs at least one step.", nameof(steps));
        if (steps.Any(s => s is null)) throw new ArgumentException("An augmentation step is null.", nameof(steps));
        Layout = layout;
        _steps = [.. steps];
        _scratch = new float[layout.Size];
    }

    /// <summary>The image layout of every sample.</summary>
    public ImageLayout Layout { get; }

    /// <summary>The steps, in the order they are applied.</summary>
    public IReadOnlyList<Augmentation> Steps => _steps;

    /// <summary>
    /// Augments one sample in place with the stream of (<paramref name="seed"/>, <paramref name="epoch"/>,
    /// <paramref name="sampleIndex"/>). Not thread-safe: one pipeline serves one thread (it owns a scratch buffer).
    /// </summary>
    public void Apply(Span<float> sample, ulong seed, long epoch, int sampleIndex)
    {
        if (sample.Length != Layout.Size)
            throw new ArgumentException($"The sample holds {sample.Length} floats, but the pipeline's images are {Layout} = {Layout.Size}.", nameof(sample));
        var random = new SeededRandom(StreamSeed(seed, epoch, sampleIndex));
        foreach (var step in _steps) step.Apply(sample, _scratch, Layout, random);
    }

    /// <summary>Augments the rows of a batch in place; row i is the dataset's sample <paramref name="indices"/>[i].</summary>
    public void ApplyToBatch(Span<float> features, ReadOnlySpan<int> indices, ulong seed, long epoch)
    {
        if (features.Length != indices.Length * Layout.Size)
            throw new ArgumentException($"The batch holds {features.Length} floats for {indices.Length} samples of {Layout.Size}.", nameof(features));
        for (int i = 0; i < indices.Length; i++) Apply(features.Slice(i * Layout.Size, Layout.Size), seed, epoch, indices[i]);
    }

    /// <summary>
    /// A copy of <paramref name="data"/> with every sample augmented once, as in epoch
    /// <paramref name="pass"/> (labels and targets are shared, not copied).
    /// </summary>
    public Dataset Augment(Dataset data, ulong seed, int pass = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureSize != Layout.Size)
            throw new ArgumentException($"The dataset's samples hold {data.FeatureSize} floats, but the pipeline's images are {Layout} = {Layout.Size}.", nameof(data));
        var features = (float[])data.Features.Clone();
        for (int i = 0; i < data.Count; i++) Apply(features.AsSpan(i * Layout.Size, Layout.Size), seed, pass, i);
        return data.WithFeatures(features);
    }

    /// <summary>"shift by up to 1 pixel, then rotation by up to ±10°".</summary>
    public override string ToString() => string.Join(", then ", _steps.Select(s => s.ToString()));

    // SplitMix64 finalisers mix the three numbers into independent streams; the constant keeps
    // them apart from the shuffle streams drawn from the same seed.
    private static ulong StreamSeed(ulong seed, long epoch, int sampleIndex) =>
        Finalise(seed ^ Finalise(0x4155474D454E54UL ^ Finalise((ulong)epoch * 0x9E3779B97F4A7C15UL + (ulong)(uint)sampleIndex)));

    private static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
