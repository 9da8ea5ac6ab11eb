namespace GraphGen.Data;

/// <summary>
/// Zooms into a random part of the picture: a square-scaled window of a side fraction s drawn
/// uniformly from [MinScale, 1], at a random position, stretched back to the full size
/// (torchvision's RandomResizedCrop without the change of aspect ratio).
/// </summary>
public sealed class RandomCrop : Augmentation
{
    /// <summary>Windows whose sides are at least <paramref name="minScale"/> of the image's (e.g. 0.8).</summary>
    public RandomCrop(float minScale)
    {
        if (!(minScale > 0) || minScale > 1)
            throw new ArgumentOutOfRangeException(nameof(minScale), minScale, "The smallest crop must be a fraction of the side in (0, 1].");
        MinScale = minScale;
    }

    /// <summary>The smallest window side, as a fraction of the image's side.</summary>
    public float MinScale { get; }

    /// <inheritdoc/>
    public override void Apply(Span<float> image, Span<float> scratch, ImageLayout layout, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        float scale = random.NextUniform(MinScale, 1);
        int width = Math.Clamp((int)MathF.Round(scale * layout.Width), 1, layout.Width);
        int height = Math.Clamp((int)MathF.Round(scale * layout.Height), 1, layout.Height);
        int left = random.NextInt(layout.Width - width + 1);
        int top = random.NextInt(layout.Height - height + 1);
        if (width == layout.Width && height == layout.Height) return;
        ImageTransforms.CropAndResize(image, scratch, layout, left, top, width, height);
        scratch.CopyTo(image);
    }

    /// <inheritdoc/>
    public override string ToString() => $"crop of {MinScale:0.##} to 1 of each side, resized back";
}
