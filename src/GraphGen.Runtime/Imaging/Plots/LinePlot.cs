namespace GraphGen.Imaging;

/// <summary>
/// Curves of y against x: training and validation loss per epoch, accuracy, or gradient norms
/// per step on a log y axis spanning many decades. A point that cannot be drawn (NaN, ±∞, or
/// ≤ 0 on a log axis) breaks its curve, as in matplotlib, instead of being joined across.
/// </summary>
public sealed class LinePlot : Plot
{
    private const string ClipId = "plot-area";
    private readonly List<LineSeries> _series = [];

    /// <summary>Caption of the x axis.</summary>
    public string XLabel { get; set; } = "";

    /// <summary>Caption of the y axis.</summary>
    public string YLabel { get; set; } = "";

    /// <summary>A logarithmic x axis (values ≤ 0 are left out of its range).</summary>
    public bool LogX { get; set; }

    /// <summary>A logarithmic y axis (values ≤ 0 are left out of its range).</summary>
    public bool LogY { get; set; }

    /// <summary>Fixed x axis limits instead of the data's range; widened to whole ticks.</summary>
    public ValueRange? XLimits { get; set; }

    /// <summary>Fixed y axis limits instead of the data's range, e.g. [0, 1] for accuracy; widened to whole ticks.</summary>
    public ValueRange? YLimits { get; set; }

    /// <summary>The lines added so far, in drawing order.</summary>
    public IReadOnlyList<LineSeries> Series => _series;

    /// <summary>Adds a curve through (x[i], y[i]); the values are copied.</summary>
    public LinePlot Add(string name, ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool markers = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (x.Length != y.Length)
            throw new ArgumentException($"Series '{name}' has {x.Length} x values but {y.Length} y values.", nameof(y));
        _series.Add(new LineSeries(name, x.ToArray(), y.ToArray(), markers));
        return this;
    }

    /// <inheritdoc cref="Add(string, ReadOnlySpan{double}, ReadOnlySpan{double}, bool)"/>
    public LinePlot Add(string name, ReadOnlySpan<float> x, ReadOnlySpan<float> y, bool markers = false) =>
        Add(name, Widen(x), Widen(y), markers);

    /// <summary>The plot as an SVG document: axes, ticks, one polyline per series and a legend.</summary>
    public override string ToSvg()
    {
        bool legend = _series.Count > 1 || _series.Any(s => s.Name.Length > 0);
        double right = Width - 16 - (legend ? Legend.Width(_series.Select(s => s.Name)) : 0);
        double top = TopMargin, bottom = Height - Axes.BottomMargin(XLabel);
        var yTicks = Axes.TicksFor(_series.SelectMany(s => s.Y), YLimits, LogY, (int)((bottom - top) / 40));
        double left = Axes.LeftMargin(yTicks, YLabel);
        var xTicks = Axes.TicksFor(_series.SelectMany(s => s.X), XLimits, LogX, (int)((right - left) / 60));
        var area = new PlotArea(left, top, Math.Max(right, left + 1), Math.Max(bottom, top + 1));
        var x = new AxisScale(xTicks, area.Left, area.Right);
        var y = new AxisScale(yTicks, area.Bottom, area.Top);

        var svg = StartDocument();
        Axes.DefineClip(svg, area, ClipId);
        Axes.DrawGrid(svg, area, x, y);
        svg.Open("g", ("clip-path", $"url(#{ClipId})"));
        for (int i = 0; i < _series.Count; i++) DrawSeries(svg, _series[i], SeriesStyle.Of(i), x, y);
        svg.Close();
        Axes.DrawFrame(svg, area);
        Axes.DrawLeft(svg, area, y, YLabel);
        Axes.DrawBottom(svg, area, x, XLabel);
        if (legend)
            Legend.Draw(svg, area.Right + 16, area.Top, _series.Select((s, i) => (s.Name, SeriesStyle.Of(i), s.Markers, false)).ToList());
        return svg.Finish();
    }

    private static void DrawSeries(SvgDocument svg, LineSeries series, SeriesStyle style, AxisScale x, AxisScale y)
    {
        svg.Open("g", ("class", "series"));
        var run = new List<(double X, double Y)>();
        for (int i = 0; i <= series.X.Count; i++)
        {
            bool drawable = i < series.X.Count && x.CanShow(series.X[i]) && y.CanShow(series.Y[i]);
            if (drawable)
            {
                run.Add((x.Map(series.X[i]), y.Map(series.Y[i])));
                continue;
            }
            // A run of one point has no line segment; it still shows as a dot.
            if (run.Count > 1) svg.Polyline(run, style.Color, width: 1.8, dash: style.Dash);
            else if (run.Count == 1 && !series.Markers) svg.Circle(run[0].X, run[0].Y, 1.8, fill: style.Color);
            if (series.Markers)
                foreach (var (px, py) in run) svg.Circle(px, py, 3, fill: style.Color);
            run.Clear();
        }
        svg.Close();
    }

    private static double[] Widen(ReadOnlySpan<float> values)
    {
        var wide = new double[values.Length];
        for (int i = 0; i < values.Length; i++) wide[i] = values[i];
        return wide;
    }
}
