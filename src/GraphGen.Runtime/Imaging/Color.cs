using System.Globalization;

namespace GraphGen.Imaging;

/// <summary>An sRGB colour with straight (not premultiplied) alpha, 8 bits per channel.</summary>
public readonly record struct Color(byte R, byte G, byte B, byte A = 255)
{
    /// <summary>Opaque black.</summary>
    public static Color Black => new(0, 0, 0);
    /// <summary>Opaque white.</summary>
    public static Color White => new(255, 255, 255);
    /// <summary>Fully transparent black (alpha 0).</summary>
    public static Color Transparent => new(0, 0, 0, 0);

    /// <summary>A gray with equal red, green and blue.</summary>
    public static Color Gray(byte level) => new(level, level, level);

    /// <summary>
    /// The luma of the colour, Y' = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, the weights
    /// of JPEG and of most "convert to grayscale" tools), rounded to a byte.
    /// </summary>
    public byte Luma => (byte)Math.Round(0.299 * R + 0.587 * G + 0.114 * B, MidpointRounding.AwayFromZero);

    /// <summary>Parses "#rrggbb".</summary>
    public static Color FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != 7 || hex[0] != '#'
            || !int.TryParse(hex.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int rgb))
            throw new FormatException($"'{hex}' is not a colour of the form #rrggbb.");
        return new Color((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
    }

    /// <summary>"#rrggbb", lower case, alpha dropped: the form SVG's fill and stroke take.</summary>
    public string ToHex() => string.Create(CultureInfo.InvariantCulture, $"#{R:x2}{G:x2}{B:x2}");

    /// <summary>
    /// This colour drawn over an opaque <paramref name="background"/>: the "over" operator,
    /// c = a·fg + (1 − a)·bg per channel, with a = A / 255.
    /// </summary>
    public Color Over(Color background)
    {
        if (A == 255) return this;
        double a = A / 255.0;
        return new Color(Mix(R, background.R, a), Mix(G, background.G, a), Mix(B, background.B, a));
    }

    private static byte Mix(byte foreground, byte background, double alpha) =>
        (byte)Math.Round(alpha * foreground + (1 - alpha) * background, MidpointRounding.AwayFromZero);
}
