namespace GraphGen.Imaging;

/// <summary>
/// An interval [Min, Max] of data values: the ends of a colour scale (Min takes the map's
/// first colour, Max its last) or fixed axis limits. Helpers measure it from data, ignoring
/// NaN and ±∞.
/// </summary>
public readonly record struct ValueRange(double Min, double Max)
{
    /// <summary>
    /// The smallest and largest finite values. With no finite value the range is [0, 1]; a
    /// constant c gives [c − ½, c + ½], so the constant maps to the middle of the scale.
    /// </summary>
    public static ValueRange Of(ReadOnlySpan<float> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (min > max) return new ValueRange(0, 1);
        return min == max ? new ValueRange(min - 0.5, max + 0.5) : new ValueRange(min, max);
    }

    /// <summary>
    /// [−m, m] with m the largest finite |value|: zero lands in the middle of a diverging map,
    /// so the sign of a gradient or a perturbation reads as blue or red. All zeros give [−1, 1].
    /// </summary>
    public static ValueRange SymmetricAboutZero(ReadOnlySpan<float> values)
    {
        double m = 0;
        foreach (float v in values)
            if (float.IsFinite(v)) m = Math.Max(m, Math.Abs(v));
        return m == 0 ? new ValueRange(-1, 1) : new ValueRange(-m, m);
    }

    /// <summary>Where <paramref name="value"/> falls, 0 at Min and 1 at Max, clamped to [0, 1]; NaN stays NaN.</summary>
    public double Normalize(double value)
    {
        if (double.IsNaN(value)) return double.NaN;
        if (!(Max > Min)) return value >= Max ? 1 : 0;
        return Math.Clamp((value - Min) / (Max - Min), 0, 1);
    }
}
