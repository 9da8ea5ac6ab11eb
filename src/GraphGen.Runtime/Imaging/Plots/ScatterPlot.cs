namespace GraphGen.Imaging;

/// <summary>
/// Points in the plane, one colour per group: a 2-D latent space or embedding with each point
/// coloured by its digit. Points are drawn group after group, small and slightly transparent, so
/// dense clusters show as darker areas; points that cannot be drawn (NaN, ±∞) are left out.
/// </summary>
public sealed class ScatterPlot : Plot
{
    private const string ClipId = "plot-area";
    private readonly List<LineSeries> _groups = [];

    /// <summary>Caption of the x axis.</summary>
    public string XLabel { get; set; } = "";

    /// <summary>Caption of the y axis.</summary>
    public string YLabel { get; set; } = "";

    /// <summary>Radius of a point, in pixels.</summary>
    public double PointRadius { get; set; } = 2.5;

    /// <summary>Fixed x axis limits instead of the data's range.</summary>
    public ValueRange? XLimits { get; set; }

    /// <summary>Fixed y axis limits instead of the data's range.</summary>
    public ValueRange? YLimits { get; set; }

    /// <summary>The groups added so far (each a named set of points), in drawing order.</summary>
    public IReadOnlyList<LineSeries> Groups => _groups;

    /// <summary>Adds a group of points (x[i], y[i]); the values are copied.</summary>
    public ScatterPlot Add(string name, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (x.Length != y.Length)
            throw new ArgumentException($"Group '{name}' has {x.Length} x values but {y.Length} y values.", nameof(y));
        _groups.Add(new LineSeries(name, x.ToArray(), y.ToArray(), Markers: true));
        return this;
    }

    /// <summary>The plot as an SVG document: axes, grid, a circle per point and a legend of the groups.</summary>
    public override string ToSvg()
    {
        bool legend = _groups.Any(g => g.Name.Length > 0);
        double right = Width - 16 - (legend ? Legend.Width(_groups.Select(g => g.Name)) : 0);
        double top = TopMargin, bottom = Height - Axes.BottomMargin(XLabel);
        var yTicks = Axes.TicksFor(_groups.SelectMany(g => g.Y), YLimits, log: false, (int)((bottom - top) / 40));
        double left = Axes.LeftMargin(yTicks, YLabel);
        var xTicks = Axes.TicksFor(_groups.SelectMany(g => g.X), XLimits, log: false, (int)((right - left) / 60));
        var area = new PlotArea(left, top, Math.Max(right, left + 1), Math.Max(bottom, top + 1));
        var x = new AxisScale(xTicks, area.Left, area.Right);
        var y = new AxisScale(yTicks, area.Bottom, area.Top);

        var svg = StartDocument();
        Axes.DefineClip(svg, area, ClipId);
        Axes.DrawGrid(svg, area, x, y);
        svg.Open("g", ("clip-path", $"url(#{ClipId})"), ("fill-opacity", "0.7"));
        for (int i = 0; i < _groups.Count; i++)
        {
            var group = _groups[i];
            string color = SeriesStyle.Of(i).Color;
            svg.Open("g", ("class", "group"));
            for (int p = 0; p < group.X.Count; p++)
                if (x.CanShow(group.X[p]) && y.CanShow(group.Y[p]))
                    svg.Circle(x.Map(group.X[p]), y.Map(group.Y[p]), PointRadius, fill: color);
            svg.Close();
        }
        svg.Close();
        Axes.DrawFrame(svg, area);
        Axes.DrawLeft(svg, area, y, YLabel);
        Axes.DrawBottom(svg, area, x, XLabel);
        if (legend)
            Legend.Draw(svg, area.Right + 16, area.Top, _groups.Select((g, i) => (g.Name, SeriesStyle.Of(i), true, true)).ToList());
        return svg.Finish();
    }
}
