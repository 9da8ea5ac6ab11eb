namespace GraphGen.Imaging;

/// <summary>
/// Draws the parts of numeric axes: grid lines behind the data, then the frame, tick marks,
/// tick labels and axis titles over it. The x axis sits below the plot area and the y axis
/// to its left, as in matplotlib's default.
/// </summary>
internal static class Axes
{
    private const double TickLength = 5;
    private const double Gap = 4;
    private const string Ink = "#333333";

    /// <summary>Pixels needed left of the plot area for y tick labels and the y axis title.</summary>
    public static double LeftMargin(AxisTicks? y, string title) =>
        12 + (title.Length > 0 ? TextMetrics.LabelSize + 8 : 0) + (y is null ? 0 : TextMetrics.MaxWidth(y.Labels, TextMetrics.TickSize)) + TickLength + Gap;

    /// <summary>Pixels needed below the plot area for one row of x tick labels and the x axis title.</summary>
    public static double BottomMargin(string title) =>
        TickLength + Gap + TextMetrics.TickSize + 10 + (title.Length > 0 ? TextMetrics.LabelSize + 8 : 0);

    public static void DrawGrid(SvgDocument svg, PlotArea area, AxisScale? x, AxisScale? y)
    {
        svg.Open("g", ("stroke-width", "1"));
        foreach (double v in x?.Ticks.Minor ?? []) svg.Line(x!.Map(v), area.Top, x.Map(v), area.Bottom, "#f0f0f0");
        foreach (double v in y?.Ticks.Minor ?? []) svg.Line(area.Left, y!.Map(v), area.Right, y.Map(v), "#f0f0f0");
        foreach (double v in x?.Ticks.Values ?? []) svg.Line(x!.Map(v), area.Top, x.Map(v), area.Bottom, "#dddddd");
        foreach (double v in y?.Ticks.Values ?? []) svg.Line(area.Left, y!.Map(v), area.Right, y.Map(v), "#dddddd");
        svg.Close();
    }

    public static void DrawFrame(SvgDocument svg, PlotArea area) =>
        svg.Rect(area.Left, area.Top, area.Width, area.Height, fill: "none", stroke: Ink);

    public static void DrawLeft(SvgDocument svg, PlotArea area, AxisScale y, string title)
    {
        foreach (double v in y.Ticks.Minor)
            svg.Line(area.Left - TickLength / 2, y.Map(v), area.Left, y.Map(v), Ink);
        for (int i = 0; i < y.Ticks.Values.Count; i++)
        {
            double py = y.Map(y.Ticks.Values[i]);
            svg.Line(area.Left - TickLength, py, area.Left, py, Ink);
            svg.Text(area.Left - TickLength - Gap, py, y.Ticks.Labels[i], TextMetrics.TickSize, anchor: "end");
        }
        if (title.Length > 0)
            svg.Text(12 + TextMetrics.LabelSize / 2, area.CenterY, title, TextMetrics.LabelSize, anchor: "middle", rotate: -90);
    }

    public static void DrawBottom(SvgDocument svg, PlotArea area, AxisScale x, string title)
    {
        foreach (double v in x.Ticks.Minor)
            svg.Line(x.Map(v), area.Bottom, x.Map(v), area.Bottom + TickLength / 2, Ink);
        for (int i = 0; i < x.Ticks.Values.Count; i++)
        {
            double px = x.Map(x.Ticks.Values[i]);
            svg.Line(px, area.Bottom, px, area.Bottom + TickLength, Ink);
            svg.Text(px, area.Bottom + TickLength + Gap + TextMetrics.TickSize / 2, x.Ticks.Labels[i], TextMetrics.TickSize, anchor: "middle");
        }
        DrawBottomTitle(svg, area, title, area.Bottom + TickLength + Gap + TextMetrics.TickSize + 10);
    }

    /// <summary>The x axis title, centred under the plot area with its top at <paramref name="top"/>.</summary>
    public static void DrawBottomTitle(SvgDocument svg, PlotArea area, string title, double top)
    {
        if (title.Length > 0)
            svg.Text(area.CenterX, top + TextMetrics.LabelSize / 2, title, TextMetrics.LabelSize, anchor: "middle");
    }

    /// <summary>A clip path of the plot area, so lines beyond fixed axis limits stop at the frame.</summary>
    public static void DefineClip(SvgDocument svg, PlotArea area, string id)
    {
        svg.Open("defs").Open("clipPath", ("id", id));
        svg.Rect(area.Left, area.Top, area.Width, area.Height, fill: "#000000");
        svg.Close().Close();
    }

    /// <summary>Ticks for data values along one axis, or for explicit limits when given; log axes ignore values ≤ 0.</summary>
    public static AxisTicks TicksFor(IEnumerable<double> values, ValueRange? limits, bool log, int maxTicks)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        if (limits is { } l)
            (min, max) = (l.Min, l.Max);
        else
            foreach (double v in values)
            {
                if (!double.IsFinite(v) || (log && v < NiceTicks.SmallestLogValue)) continue;
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        if (min > max) (min, max) = log ? (1, 10) : (0, 1);
        if (log && min < NiceTicks.SmallestLogValue) min = Math.Min(NiceTicks.SmallestLogValue, max);
        return log ? NiceTicks.Log10(min, max, Math.Max(maxTicks, 3)) : NiceTicks.Linear(min, max, Math.Max(maxTicks, 3));
    }
}
