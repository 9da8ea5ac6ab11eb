using GraphGen.Imaging;

namespace GraphGen.Inspection;

/// <summary>
/// Pictures of what a network computes for one input: an activation as a heatmap (one cell
/// per unit, laid out as a near-square grid, or as its channels' maps for an image-shaped
/// tensor), and a saliency map over the input image.
/// </summary>
public static class ActivationImages
{
    /// <summary>
    /// Rows and columns for <paramref name="units"/> cells: the divisor pair closest to a square,
    /// wider than tall (32 → 4 × 8, 64 → 8 × 8, 10 → 2 × 5; a prime count makes one row).
    /// </summary>
    public static (int Rows, int Columns) GridFor(int units)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        int rows = (int)Math.Sqrt(units);
        while (units % rows != 0) rows--;
        return (rows, units / rows);
    }

    /// <summary>
    /// One sample's activation as a heatmap through <paramref name="map"/> (viridis by default)
    /// with each value a <paramref name="cellSize"/>-pixel square. A vector is laid out by
    /// <see cref="GridFor"/>; a [height, width] tensor as itself; a [channels, height, width]
    /// tensor as a grid of its channels' maps, one cell apart. The colour scale spans
    /// <paramref name="range"/>, or the values' own range.
    /// </summary>
    public static Image Heatmap(ReadOnlySpan<float> values, IReadOnlyList<int> shape, int cellSize = 8, ColorMap? map = null, ValueRange? range = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cellSize);
        map ??= ColorMap.Viridis;
        int size = 1;
        foreach (int d in shape) size *= d;
        if (values.Length != size)
            throw new ArgumentException($"A tensor of shape [{string.Join(", ", shape)}] has {size} values, but {values.Length} were given.", nameof(values));
        var r = range ?? ValueRange.Of(values);
        if (!(r.Max > r.Min)) r = new ValueRange(r.Min - 0.5, r.Min + 0.5);
        Image image;
        if (shape.Count == 3)
            image = Channels(values, shape[0], shape[1], shape[2], map, r);
        else
        {
            var (rows, columns) = shape.Count == 2 ? (shape[0], shape[1]) : GridFor(size);
            image = Image.FromValues(values, columns, rows, map, r.Min, r.Max);
        }
        return cellSize == 1 ? image : image.Scale(cellSize);
    }

    /// <summary>
    /// The input image in gray with <paramref name="saliency"/> laid over it in red: the more
    /// salient a pixel (relative to the most salient one), the redder. Both are row-major
    /// width × height; the image's values span [<paramref name="min"/>, <paramref name="max"/>].
    /// </summary>
    public static Image SaliencyOverlay(ReadOnlySpan<float> image, ReadOnlySpan<float> saliency, int width, int height, double min = 0, double max = 1, int scale = 1)
    {
        if (image.Length != width * height || saliency.Length != width * height)
            throw new ArgumentException($"A {width}×{height} overlay needs {width * height} image and saliency values; got {image.Length} and {saliency.Length}.");
        var gray = Image.FromGray(image, width, height, min, max);
        double top = 0;
        foreach (float s in saliency) if (float.IsFinite(s)) top = Math.Max(top, Math.Abs(s));
        var overlay = new Image(width, height, PixelFormat.Rgb);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                // Dim the digit to a quarter, so the red stands out on white ink too.
                double g = gray.GetPixel(x, y).R * 0.25;
                float s = saliency[y * width + x];
                double a = top == 0 || !float.IsFinite(s) ? 0 : Math.Abs(s) / top;
                overlay.SetPixel(x, y, new Color(
                    (byte)Math.Round(g + a * (255 - g)),
                    (byte)Math.Round(g * (1 - a)),
                    (byte)Math.Round(g * (1 - a))));
            }
        }
        return scale == 1 ? overlay : overlay.Scale(scale);
    }

    private static Image Channels(ReadOnlySpan<float> values, int channels, int height, int width, ColorMap map, ValueRange range)
    {
        var (rows, columns) = GridFor(channels);
        var sheet = new Image(columns * (width + 1) - 1, rows * (height + 1) - 1, PixelFormat.Rgb);
        sheet.Fill(Color.White);
        for (int c = 0; c < channels; c++)
        {
            var tile = Image.FromValues(values.Slice(c * height * width, height * width), width, height, map, range.Min, range.Max);
            int left = c % columns * (width + 1), top = c / columns * (height + 1);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    sheet.SetPixel(left + x, top + y, tile.GetPixel(x, y));
        }
        return sheet;
    }
}
