namespace GraphGen.Data;

/// <summary>
/// One random change of a training image that leaves its label true: noise, a small shift, a
/// small rotation, a zoom into part of it. An <see cref="AugmentationPipeline"/> applies a list of
/// them to each sample with a random stream of its own, so augmentation is seeded and
/// deterministic: the same seed, epoch and sample give the same bits, whatever the batch and
/// whatever ran before.
/// </summary>
public abstract class Augmentation
{
    /// <summary>
    /// Changes <paramref name="image"/> in place, drawing its parameters from <paramref name="random"/>.
    /// <paramref name="scratch"/> is a buffer of the image's size for transforms that cannot work in place.
    /// </summary>
    public abstract void Apply(Span<float> image, Span<float> scratch, ImageLayout layout, SeededRandom random);

    /// <summary>What the augmentation does, with its settings ("shift by up to 1 pixel").</summary>
    public abstract override string ToString();
}
