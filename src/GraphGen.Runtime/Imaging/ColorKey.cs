using System.Globalization;

namespace GraphGen.Imaging;

/// <summary>
/// The key to a colour-mapped picture, as a raster for PNG sheets (the SVG plots draw their own
/// <c>ColorBar</c>): a horizontal bar running through the map from <c>min</c> at the left to
/// <c>max</c> at the right, framed, with the two ends and the middle value written below it and
/// an optional title above. Put one under an <see cref="ImageGrid"/> as its
/// <see cref="ImageGrid.Footer"/>, so that a reader of a signed map (a perturbation, a saliency
/// difference) knows which colour means which sign and how large.
/// </summary>
public static class ColorKey
{
    /// <summary>A horizontal key of <paramref name="map"/> over [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="map">The colour map the picture uses.</param>
    /// <param name="min">The value drawn at the left end (the map's 0).</param>
    /// <param name="max">The value drawn at the right end (the map's 1); greater than <paramref name="min"/>.</param>
    /// <param name="barWidth">Width of the bar in pixels, at least 16.</param>
    /// <param name="title">A line written above the bar (what the colours mean), or null.</param>
    /// <param name="textScale">Size of each font pixel of the labels and title.</param>
    /// <param name="barHeight">Height of the bar in pixels.</param>
    public static Image Horizontal(ColorMap map, double min, double max, int barWidth, string? title = null, int textScale = 2, int barHeight = 12)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
            throw new ArgumentException($"A colour key needs finite limits with max > min; got [{min}, {max}].", nameof(max));
        ArgumentOutOfRangeException.ThrowIfLessThan(barWidth, 16);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(textScale);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(barHeight);

        bool signed = min < 0 && max > 0;
        string low = Label(min, signed), middle = Label((min + max) / 2, signed), high = Label(max, signed);
        var (titleWidth, titleHeight) = BitmapFont.Measure(title ?? "", textScale);
        int labelHeight = BitmapFont.Measure("0", textScale).Height;
        int gap = 2 * textScale;
        // The end labels are centred on the bar's ends, so half of each may stick out sideways.
        int overhang = Math.Max(BitmapFont.Measure(low, textScale).Width, BitmapFont.Measure(high, textScale).Width) / 2 + 1;
        int width = Math.Max(titleWidth, barWidth + 2 * overhang);
        int titleBand = titleHeight == 0 ? 0 : titleHeight + gap;
        var image = new Image(width, titleBand + barHeight + gap + labelHeight, PixelFormat.Rgb);
        image.Fill(Color.White);
        if (titleHeight > 0) BitmapFont.Draw(image, (width - titleWidth) / 2, 0, title!, Color.Black, textScale);

        int left = (width - barWidth) / 2, top = titleBand;
        for (int x = 0; x < barWidth; x++)
            image.FillRectangle(left + x, top, 1, barHeight, map.Map((double)x / (barWidth - 1)));
        Frame(image, left - 1, top - 1, barWidth + 2, barHeight + 2);

        int labelTop = top + barHeight + gap;
        foreach (var (text, at) in new[] { (low, left), (middle, left + (barWidth - 1) / 2), (high, left + barWidth - 1) })
            BitmapFont.Draw(image, at - BitmapFont.Measure(text, textScale).Width / 2, labelTop, text, Color.Black, textScale);
        return image;
    }

    /// <summary>Up to three significant digits, invariantly, with an explicit + on positive values of a signed key.</summary>
    private static string Label(double value, bool signed)
    {
        if (Math.Abs(value) < 1e-12) return "0";
        string text = value.ToString("G3", CultureInfo.InvariantCulture);
        return signed && value > 0 ? "+" + text : text;
    }

    private static void Frame(Image image, int x, int y, int width, int height)
    {
        var gray = new Color(96, 96, 96);
        image.FillRectangle(x, y, width, 1, gray);
        image.FillRectangle(x, y + height - 1, width, 1, gray);
        image.FillRectangle(x, y, 1, height, gray);
        image.FillRectangle(x + width - 1, y, 1, height, gray);
    }
}
