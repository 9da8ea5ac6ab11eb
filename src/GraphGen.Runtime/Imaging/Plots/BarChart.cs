namespace GraphGen.Imaging;

/// <summary>
/// Grouped bars: one group per category, one bar per series in each group, e.g. the gradient
/// norm of every layer (categories) for a plain and a residual network (series) side by side.
/// On a linear axis bars grow from zero, so negative values hang below it; on a log axis they
/// grow from the bottom of the axis, and values ≤ 0 get no bar.
/// </summary>
public sealed class BarChart : Plot
{
    private readonly string[] _categories;
    private readonly List<BarSeries> _series = [];

    /// <summary>A chart with one group of bars per category, in the given order (at least one).</summary>
    public BarChart(IEnumerable<string> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        _categories = categories.ToArray();
        if (_categories.Length == 0)
            throw new ArgumentException("A bar chart needs at least one category.", nameof(categories));
    }

    /// <summary>The categories along the x axis, in order.</summary>
    public IReadOnlyList<string> Categories => _categories;

    /// <summary>The series added so far; each draws one bar per category.</summary>
    public IReadOnlyList<BarSeries> Series => _series;

    /// <summary>Caption of the x axis.</summary>
    public string XLabel { get; set; } = "";

    /// <summary>Caption of the y axis.</summary>
    public string YLabel { get; set; } = "";

    /// <summary>A logarithmic y axis (values ≤ 0 are left out of its range).</summary>
    public bool LogY { get; set; }

    /// <summary>Fixed y axis limits instead of the data's range; widened to whole ticks.</summary>
    public ValueRange? YLimits { get; set; }

    /// <summary>Adds a series with one value per category, in the order of <see cref="Categories"/>; the values are copied.</summary>
    public BarChart Add(string name, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (values.Length != _categories.Length)
            throw new ArgumentException($"Series '{name}' has {values.Length} values for {_categories.Length} categories.", nameof(values));
        _series.Add(new BarSeries(name, values.ToArray()));
        return this;
    }

    /// <summary>The chart as an SVG document: grouped bars, axes, ticks and a legend.</summary>
    public override string ToSvg()
    {
        bool legend = _series.Count > 1 || _series.Any(s => s.Name.Length > 0);
        double right = Width - 16 - (legend ? Legend.Width(_series.Select(s => s.Name)) : 0);
        // A linear axis always includes zero, where the bars start. A log axis has no zero, so
        // it reaches a decade below the smallest bar, which would otherwise have no height.
        var values = _series.SelectMany(s => s.Values).ToList();
        double smallest = values.Where(v => double.IsFinite(v) && v > 0).DefaultIfEmpty(1).Min();
        values.Add(LogY ? smallest / 10 : 0);
        double top = TopMargin;
        // The label band below depends on the width left by the y labels, and the y ticks on
        // the height left by the label band; a provisional y axis breaks the circle.
        double provisionalLeft = Axes.LeftMargin(Axes.TicksFor(values, YLimits, LogY, 6), YLabel);
        var categories = new CategoryAxis(_categories, right - provisionalLeft);
        double bottom = Height - 10 - categories.Height - (XLabel.Length > 0 ? TextMetrics.LabelSize + 8 : 0);
        var yTicks = Axes.TicksFor(values, YLimits, LogY, (int)((bottom - top) / 40));
        double left = Axes.LeftMargin(yTicks, YLabel);
        var area = new PlotArea(left, top, Math.Max(right, left + 1), Math.Max(bottom, top + 1));
        var y = new AxisScale(yTicks, area.Bottom, area.Top);

        var svg = StartDocument();
        Axes.DrawGrid(svg, area, null, y);
        double group = area.Width / _categories.Length;
        // Bars fill 80% of each group, leaving a gap between groups.
        double bar = group * 0.8 / Math.Max(_series.Count, 1);
        double baseline = LogY ? area.Bottom : Math.Clamp(y.Map(0), area.Top, area.Bottom);
        svg.Open("g", ("class", "bars"));
        for (int s = 0; s < _series.Count; s++)
        {
            var style = SeriesStyle.Of(s);
            for (int c = 0; c < _categories.Length; c++)
            {
                double v = _series[s].Values[c];
                if (!y.CanShow(v)) continue;
                double end = Math.Clamp(y.Map(v), area.Top, area.Bottom);
                double x = area.Left + c * group + group * 0.1 + s * bar;
                svg.Rect(x, Math.Min(end, baseline), bar, Math.Abs(baseline - end), fill: style.Color);
            }
        }
        svg.Close();
        if (!LogY) svg.Line(area.Left, baseline, area.Right, baseline, "#333333");
        Axes.DrawFrame(svg, area);
        Axes.DrawLeft(svg, area, y, YLabel);
        categories.Draw(svg, area.Bottom, c => area.Left + (c + 0.5) * group);
        Axes.DrawBottomTitle(svg, area, XLabel, area.Bottom + categories.Height + 6);
        if (legend)
            Legend.Draw(svg, area.Right + 16, area.Top, _series.Select((s, i) => (s.Name, SeriesStyle.Of(i), false, true)).ToList());
        return svg.Finish();
    }
}
