namespace GraphGen.Data;

/// <summary>
/// How a sample's floats form an image: <see cref="Channels"/> planes of <see cref="Height"/>
/// rows of <see cref="Width"/> pixels, row-major within a plane (PyTorch's [C, H, W]).
/// </summary>
public readonly record struct ImageLayout
{
    /// <summary>An image of <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/>.</summary>
    public ImageLayout(int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Planes (1 for gray digits).</summary>
    public int Channels { get; }

    /// <summary>Rows of a plane.</summary>
    public int Height { get; }

    /// <summary>Pixels of a row.</summary>
    public int Width { get; }

    /// <summary>Floats of one plane.</summary>
    public int PlaneSize => Height * Width;

    /// <summary>Floats of the whole image.</summary>
    public int Size => Channels * PlaneSize;

    /// <summary>
    /// The layout of a sample of shape <paramref name="featureShape"/>: [C, H, W], [H, W], or one
    /// axis of a square number of pixels (the 8×8 digits are stored as [64]).
    /// </summary>
    /// <exception cref="ArgumentException">The shape is not an image; pass the layout explicitly.</exception>
    public static ImageLayout Of(IReadOnlyList<int> featureShape)
    {
        ArgumentNullException.ThrowIfNull(featureShape);
        switch (featureShape.Count)
        {
            case 3: return new ImageLayout(featureShape[0], featureShape[1], featureShape[2]);
            case 2: return new ImageLayout(1, featureShape[0], featureShape[1]);
            case 1:
                int side = (int)Math.Round(Math.Sqrt(featureShape[0]));
                if (side * side == featureShape[0]) return new ImageLayout(1, side, side);
                break;
        }
        throw new ArgumentException(
            $"Samples of shape [{string.Join(", ", featureShape)}] are not images: give the layout explicitly, e.g. new ImageLayout(channels: 1, height: 8, width: 8).",
            nameof(featureShape));
    }

    /// <summary>"C×H×W".</summary>
    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
