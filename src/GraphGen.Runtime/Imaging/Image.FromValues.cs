namespace GraphGen.Imaging;

public sealed partial class Image
{
    /// <summary>
    /// A gray image of <paramref name="values"/> (row-major, width × height): <paramref name="min"/>
    /// is black, <paramref name="max"/> white, values between scale linearly and values outside
    /// clamp. NaN is drawn black; use <see cref="FromValues"/> with <see cref="ColorMap.Grays"/>
    /// to see it marked instead.
    /// </summary>
    public static Image FromGray(ReadOnlySpan<float> values, int width, int height, double min, double max)
    {
        CheckSize(values, width, height);
        var range = CheckRange(min, max);
        var image = new Image(width, height, PixelFormat.Gray);
        for (int i = 0; i < values.Length; i++)
        {
            double t = range.Normalize(values[i]);
            image._pixels[i] = double.IsNaN(t) ? (byte)0 : ToByte(t);
        }
        return image;
    }

    /// <summary>
    /// An RGB image of <paramref name="values"/> (row-major, width × height) through
    /// <paramref name="map"/>: <paramref name="min"/> takes the map's first colour and
    /// <paramref name="max"/> its last; values outside clamp, and NaN takes <see cref="ColorMap.Missing"/>.
    /// </summary>
    public static Image FromValues(ReadOnlySpan<float> values, int width, int height, ColorMap map, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(map);
        CheckSize(values, width, height);
        var range = CheckRange(min, max);
        var image = new Image(width, height, PixelFormat.Rgb);
        for (int i = 0; i < values.Length; i++)
        {
            var c = map.Map(range.Normalize(values[i]));
            (image._pixels[3 * i], image._pixels[3 * i + 1], image._pixels[3 * i + 2]) = (c.R, c.G, c.B);
        }
        return image;
    }

    /// <summary>t in [0, 1] to 0..255, rounding to nearest so that 0.5 is 128 and both ends are exact.</summary>
    internal static byte ToByte(double t) => (byte)Math.Round(t * 255, MidpointRounding.AwayFromZero);

    private static void CheckSize(ReadOnlySpan<float> values, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (values.Length != (long)width * height)
            throw new ArgumentException($"A {width}×{height} image needs {(long)width * height} values, but {values.Length} were given.", nameof(values));
    }

    private static ValueRange CheckRange(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
            throw new ArgumentException($"The value range [{min}, {max}] must be finite with max > min.");
        return new ValueRange(min, max);
    }
}
