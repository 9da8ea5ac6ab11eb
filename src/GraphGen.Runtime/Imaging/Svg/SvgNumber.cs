using System.Globalization;

namespace GraphGen.Imaging;

/// <summary>
/// Coordinates and sizes as SVG text: invariant culture, at most two decimals (a hundredth of
/// a pixel is below what any renderer shows), no exponent, no trailing zeros, and no "-0", so
/// the same plot always prints the same bytes.
/// </summary>
internal static class SvgNumber
{
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "SVG coordinates must be finite.");
        string text = Math.Round(value, 2, MidpointRounding.AwayFromZero).ToString("0.##", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }
}
