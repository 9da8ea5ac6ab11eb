namespace GraphGen.Imaging;

/// <summary>
/// A key to the series, drawn to the right of the plot area rather than over it, so it
/// never hides data: a short sample of each series' line or bar, then its name.
/// </summary>
internal static class Legend
{
    private const double Sample = 22;
    private const double RowHeight = 18;

    public static double Width(IEnumerable<string> names) => Sample + 8 + TextMetrics.MaxWidth(names, TextMetrics.LabelSize) + 12;

    /// <summary>Draws one row per entry, the first at <paramref name="top"/>; bars draw a filled square, lines a stroke (with a dot for markers).</summary>
    public static void Draw(SvgDocument svg, double left, double top, IReadOnlyList<(string Name, SeriesStyle Style, bool Marker, bool Bar)> entries)
    {
        svg.Open("g", ("class", "legend"));
        for (int i = 0; i < entries.Count; i++)
        {
            var (name, style, marker, bar) = entries[i];
            double y = top + RowHeight * i + RowHeight / 2;
            if (bar)
                svg.Rect(left + Sample / 2 - 6, y - 6, 12, 12, fill: style.Color);
            else
                svg.Line(left, y, left + Sample, y, style.Color, width: 2, dash: style.Dash);
            if (marker) svg.Circle(left + Sample / 2, y, 3, fill: style.Color);
            svg.Text(left + Sample + 8, y, name, TextMetrics.LabelSize);
        }
        svg.Close();
    }
}
