namespace GraphGen.Data;

/// <summary>
/// Adds noise of standard deviation σ to every pixel: x′ = clamp(x + σ·n, Min, Max). With
/// <see cref="VaryLevel"/>, each sample draws its own σ uniformly from [0, <see cref="Sigma"/>], so
/// the network sees every noise level up to the largest.
/// </summary>
/// <remarks>
/// n is the sum of twelve uniform numbers in [0, 1) minus six (Irwin–Hall): mean 0, variance 1,
/// bell-shaped and bounded by ±6. Unlike Box–Muller it needs no logarithm or cosine, whose last
/// bit can differ between C libraries, so the noise is the same bits on every machine.
/// </remarks>
public sealed class GaussianNoise : Augmentation
{
    /// <summary>Noise of standard deviation <paramref name="sigma"/> (in the units of the pixels: 0.1 is a tenth of a [0, 1] range).</summary>
    public GaussianNoise(float sigma)
    {
        if (!(sigma >= 0) || !float.IsFinite(sigma))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "The noise level σ must be a finite number ≥ 0.");
        Sigma = sigma;
    }

    /// <summary>The standard deviation (the largest one, with <see cref="VaryLevel"/>).</summary>
    public float Sigma { get; }

    /// <summary>True: each sample's σ is drawn uniformly from [0, Sigma].</summary>
    public bool VaryLevel { get; init; }

    /// <summary>The smallest pixel value after the noise (e.g. 0 for images in [0, 1]); no limit by default.</summary>
    public float Min { get; init; } = float.NegativeInfinity;

    /// <summary>The largest pixel value after the noise; no limit by default.</summary>
    public float Max { get; init; } = float.PositiveInfinity;

    /// <inheritdoc/>
    public override void Apply(Span<float> image, Span<float> scratch, ImageLayout layout, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        float sigma = VaryLevel ? Sigma * random.NextSingle() : Sigma;
        for (int i = 0; i < image.Length; i++)
            image[i] = Math.Clamp(image[i] + sigma * StandardNormal(random), Min, Max);
    }

    /// <summary>An approximately standard normal number from twelve uniform ones (see the remarks).</summary>
    public static float StandardNormal(SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        float sum = 0;
        for (int k = 0; k < 12; k++) sum += random.NextSingle();
        return sum - 6;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        (VaryLevel ? $"noise of σ up to {Sigma}" : $"noise of σ = {Sigma}") + (float.IsFinite(Min) || float.IsFinite(Max) ? $", clamped to [{Min}, {Max}]" : "");
}
