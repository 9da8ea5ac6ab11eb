namespace GraphGen.Imaging;

/// <summary>
/// Maps data values to SVG coordinates along one axis: linearly, or linearly in log₁₀ v for
/// a log axis. <paramref name="Start"/> is the coordinate of <see cref="AxisTicks.Min"/> and
/// <paramref name="End"/> that of <see cref="AxisTicks.Max"/>; for a y axis Start is the
/// bottom, because SVG's y grows downwards.
/// </summary>
internal sealed record AxisScale(AxisTicks Ticks, double Start, double End)
{
    public double Map(double value)
    {
        double t = Ticks.IsLog
            ? (Math.Log10(value) - Math.Log10(Ticks.Min)) / (Math.Log10(Ticks.Max) - Math.Log10(Ticks.Min))
            : (value - Ticks.Min) / (Ticks.Max - Ticks.Min);
        return Start + t * (End - Start);
    }

    /// <summary>Whether <paramref name="value"/> can be drawn at all: finite, and positive on a log axis.</summary>
    public bool CanShow(double value) => double.IsFinite(value) && (!Ticks.IsLog || value > 0);
}
