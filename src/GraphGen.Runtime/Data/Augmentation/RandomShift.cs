namespace GraphGen.Data;

/// <summary>Moves the picture by a whole number of pixels drawn uniformly from −MaxPixels..MaxPixels on each axis.</summary>
public sealed class RandomShift : Augmentation
{
    /// <summary>Shifts of up to <paramref name="maxPixels"/> pixels in each direction.</summary>
    public RandomShift(int maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPixels);
        MaxPixels = maxPixels;
    }

    /// <summary>The largest shift on each axis.</summary>
    public int MaxPixels { get; }

    /// <summary>The value of pixels shifted in from outside (0 by default).</summary>
    public float Fill { get; init; }

    /// <inheritdoc/>
    public override void Apply(Span<float> image, Span<float> scratch, ImageLayout layout, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int dx = random.NextInt(2 * MaxPixels + 1) - MaxPixels;
        int dy = random.NextInt(2 * MaxPixels + 1) - MaxPixels;
        if (dx == 0 && dy == 0) return;
        ImageTransforms.Shift(image, scratch, layout, dx, dy, Fill);
        scratch.CopyTo(image);
    }

    /// <inheritdoc/>
    public override string ToString() => $"shift by up to {MaxPixels} pixel{(MaxPixels == 1 ? "" : "s")}";
}
