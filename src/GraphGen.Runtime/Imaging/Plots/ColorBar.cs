namespace GraphGen.Imaging;

/// <summary>
/// The key to a heatmap's colours: a vertical bar filled with the map's gradient (bottom =
/// range minimum, top = maximum) and ticks at nice values inside the range. The gradient's
/// stops are the map's own control points, so the SVG renderer interpolates exactly as
/// <see cref="ColorMap.Map"/> does.
/// </summary>
internal static class ColorBar
{
    public const double BarWidth = 16;

    /// <summary>Width the bar, its tick labels and its title take.</summary>
    public static double Width(ValueRange range, string title) =>
        BarWidth + 6 + TextMetrics.MaxWidth(Ticks(range).Labels, TextMetrics.TickSize) + (title.Length > 0 ? TextMetrics.LabelSize + 10 : 0);

    public static void Draw(SvgDocument svg, ColorMap map, ValueRange range, string title, double left, double top, double bottom)
    {
        const string id = "color-scale";
        svg.Open("defs").Open("linearGradient", ("id", id), ("x1", "0"), ("y1", "1"), ("x2", "0"), ("y2", "0"));
        foreach (var stop in map.Stops)
            svg.Element("stop", null, ("offset", SvgNumber.Format(stop.Position * 100) + "%"), ("stop-color", stop.Color.ToHex()));
        svg.Close().Close();
        svg.Element("rect", null,
            ("x", SvgNumber.Format(left)), ("y", SvgNumber.Format(top)),
            ("width", SvgNumber.Format(BarWidth)), ("height", SvgNumber.Format(bottom - top)),
            ("fill", $"url(#{id})"), ("stroke", "#333333"));

        var ticks = Ticks(range);
        double labelsRight = left + BarWidth + 6;
        for (int i = 0; i < ticks.Values.Count; i++)
        {
            double t = range.Normalize(ticks.Values[i]);
            double y = bottom - t * (bottom - top);
            svg.Line(left + BarWidth, y, left + BarWidth + 4, y, "#333333");
            svg.Text(labelsRight, y, ticks.Labels[i], TextMetrics.TickSize);
        }
        if (title.Length > 0)
        {
            double x = labelsRight + TextMetrics.MaxWidth(ticks.Labels, TextMetrics.TickSize) + 4 + TextMetrics.LabelSize / 2;
            svg.Text(x, (top + bottom) / 2, title, TextMetrics.LabelSize, anchor: "middle", rotate: -90);
        }
    }

    /// <summary>Nice ticks that fall inside the range; the bar spans the range exactly, not widened like an axis.</summary>
    private static AxisTicks Ticks(ValueRange range)
    {
        var all = NiceTicks.Linear(range.Min, range.Max, 6);
        // A relative tolerance keeps ends that differ from a tick by rounding only.
        double slack = (range.Max - range.Min) * 1e-9;
        var inside = Enumerable.Range(0, all.Values.Count)
            .Where(i => all.Values[i] >= range.Min - slack && all.Values[i] <= range.Max + slack).ToList();
        return all with { Values = inside.Select(i => all.Values[i]).ToList(), Labels = inside.Select(i => all.Labels[i]).ToList() };
    }
}
