namespace GraphGen.Data;

/// <summary>Turns the picture about its centre by an angle drawn uniformly from [−MaxDegrees, MaxDegrees], sampling bilinearly.</summary>
/// <remarks>The angle's sine and cosine come from the C library, so the bits can differ between machines in rare cases; on one machine they repeat exactly.</remarks>
public sealed class RandomRotation : Augmentation
{
    /// <summary>Rotations of up to <paramref name="maxDegrees"/> degrees either way (small: a 6 turned by 180° is a 9).</summary>
    public RandomRotation(float maxDegrees)
    {
        if (!(maxDegrees >= 0) || maxDegrees > 180)
            throw new ArgumentOutOfRangeException(nameof(maxDegrees), maxDegrees, "The largest rotation must be between 0 and 180 degrees.");
        MaxDegrees = maxDegrees;
    }

    /// <summary>The largest angle either way, in degrees.</summary>
    public float MaxDegrees { get; }

    /// <summary>The value of corners turned in from outside (0 by default).</summary>
    public float Fill { get; init; }

    /// <inheritdoc/>
    public override void Apply(Span<float> image, Span<float> scratch, ImageLayout layout, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        float degrees = random.NextUniform(-MaxDegrees, MaxDegrees);
        ImageTransforms.Rotate(image, scratch, layout, degrees, Fill);
        scratch.CopyTo(image);
    }

    /// <inheritdoc/>
    public override string ToString() => $"rotation by up to ±{MaxDegrees}°";
}
