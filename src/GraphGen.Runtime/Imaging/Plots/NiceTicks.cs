using System.Globalization;

namespace GraphGen.Imaging;

/// <summary>
/// Chooses axis ticks a person would choose: steps of 1, 2 or 5 times a power of ten on a
/// linear axis (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990), whole decades
/// on a log axis. Tick values are computed as integer × 10^k and parsed, never accumulated,
/// so 0.1 + 0.2 never shows up as 0.30000000000000004.
/// </summary>
public static class NiceTicks
{
    /// <summary>The smallest value a log axis can start at.</summary>
    public const double SmallestLogValue = 1e-300;

    private static readonly int[] Mantissas = [1, 2, 5];

    /// <summary>
    /// Ticks for a linear axis covering [<paramref name="min"/>, <paramref name="max"/>]: the
    /// smallest 1-2-5 step that needs at most <paramref name="maxTicks"/> ticks once both ends
    /// are rounded outwards to whole steps. A zero-width range is widened by 10% of its value
    /// (or by 1 around zero) on each side. At least three ticks are allowed: a range around
    /// zero always needs −step, 0 and step.
    /// </summary>
    public static AxisTicks Linear(double min, double max, int maxTicks = 6)
    {
        CheckRange(min, max);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTicks, 3);
        if (min == max)
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - pad, max + pad);
        }
        if (!double.IsFinite(max - min))
            throw new ArgumentException($"[{min}, {max}] is wider than a double can measure.");
        // Start one decade below the rough step (range / intervals) and walk up 1, 2, 5, 10, 20...
        // This ends: once the step exceeds max(|min|, |max|), min and max round to −1, 0 or 1 steps.
        int exponent = (int)Math.Floor(Math.Log10((max - min) / (maxTicks - 1))) - 1;
        for (int attempt = 0; ; attempt++)
        {
            int mantissa = Mantissas[attempt % 3];
            int k = exponent + attempt / 3;
            double step = Power(mantissa, k);
            double first = Math.Floor(min / step), last = Math.Ceiling(max / step);
            if (last - first + 1 > maxTicks) continue;
            var indices = Enumerable.Range(0, (int)(last - first) + 1).Select(i => (long)first + i).ToList();
            var values = indices.Select(i => Power(i * mantissa, k)).ToList();
            bool exponential = k < -4 || Math.Max(Math.Abs(values[0]), Math.Abs(values[^1])) >= 1e6;
            var labels = values.Select(v => exponential ? ExponentLabel(v) : DecimalLabel(v, Math.Max(0, -k))).ToList();
            return new AxisTicks(values[0], values[^1], values, labels, [], IsLog: false);
        }
    }

    /// <summary>
    /// Ticks for a log₁₀ axis covering [<paramref name="min"/>, <paramref name="max"/>], both
    /// positive: the ends round outwards to powers of ten, and every decade is labelled, or
    /// every 2nd, 3rd... when more than <paramref name="maxTicks"/> would be. Minor ticks mark
    /// 2…9 × 10^k when every decade is labelled, and the skipped decades otherwise. Labels are
    /// plain decimals ("0.001", "100") when all powers are within 10^±3, otherwise all powers
    /// of ten with superscript exponents ("10⁻⁶"), as matplotlib writes them.
    /// </summary>
    public static AxisTicks Log10(double min, double max, int maxTicks = 10)
    {
        CheckRange(min, max);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTicks, 2);
        // Below 1e-300 powers of ten approach the subnormal doubles and stop being exact.
        if (!(min >= SmallestLogValue))
            throw new ArgumentOutOfRangeException(nameof(min), min, $"A log axis needs values of at least {SmallestLogValue}.");
        int lo = FloorLog10(min), hi = CeilLog10(max);
        if (lo == hi) (lo, hi) = (lo - 1, hi + 1);
        int stride = (hi - lo + maxTicks - 2) / (maxTicks - 1);
        hi = lo + stride * ((hi - lo + stride - 1) / stride);
        var decades = Enumerable.Range(0, (hi - lo) / stride + 1).Select(i => lo + i * stride).ToList();
        bool exponential = lo < -3 || hi > 3;
        var labels = decades.Select(k => exponential ? PowerOfTen(k) : Power(1, k).ToString(CultureInfo.InvariantCulture)).ToList();
        var minor = stride > 1
            ? Enumerable.Range(lo, hi - lo).Where(k => (k - lo) % stride != 0).Select(k => Power(1, k)).ToList()
            : Enumerable.Range(lo, hi - lo).SelectMany(k => Enumerable.Range(2, 8).Select(m => Power(m, k))).ToList();
        return new AxisTicks(Power(1, lo), Power(1, hi), decades.Select(k => Power(1, k)).ToList(), labels, minor, IsLog: true);
    }

    /// <summary>m × 10^k, correctly rounded (parsing decimal text is exact to the nearest double).</summary>
    private static double Power(long mantissa, int exponent) =>
        double.Parse(string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{exponent}"), CultureInfo.InvariantCulture);

    /// <summary>The value with a fixed number of decimals, and a true minus sign (U+2212) as typeset axes use.</summary>
    private static string DecimalLabel(double value, int decimals) =>
        value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).Replace('-', '−');

    /// <summary>"2×10⁻⁶", "1.5×10⁷", "10⁻⁶", "0".</summary>
    private static string ExponentLabel(double value)
    {
        if (value == 0) return "0";
        string[] parts = value.ToString("0.###e0", CultureInfo.InvariantCulture).Split('e');
        string power = PowerOfTen(int.Parse(parts[1], CultureInfo.InvariantCulture));
        return parts[0] switch { "1" => power, "-1" => "−" + power, var m => m.Replace('-', '−') + "×" + power };
    }

    /// <summary>10 with a superscript exponent, e.g. "10⁻⁶"; the minus is U+207B, the superscript minus.</summary>
    private static string PowerOfTen(int exponent) =>
        "10" + string.Concat(exponent.ToString(CultureInfo.InvariantCulture).Select(c => c == '-' ? '⁻' : "⁰¹²³⁴⁵⁶⁷⁸⁹"[c - '0']));

    /// <summary>⌊log₁₀ v⌋, exact even where Math.Log10 rounds across an integer.</summary>
    private static int FloorLog10(double v)
    {
        int k = (int)Math.Floor(Math.Log10(v));
        if (Power(1, k + 1) <= v) return k + 1;
        return Power(1, k) > v ? k - 1 : k;
    }

    private static int CeilLog10(double v)
    {
        int k = FloorLog10(v);
        return Power(1, k) == v ? k : k + 1;
    }

    private static void CheckRange(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || min > max)
            throw new ArgumentException($"[{min}, {max}] is not a finite range with min ≤ max.");
    }
}
