namespace GraphGen.Imaging;

/// <summary>
/// A matrix as a grid of coloured cells, row 0 at the top as in the matrix (and matplotlib's
/// imshow), with a colour bar: activations (layer × unit, or sample × unit), a weight
/// matrix, a confusion matrix. NaN cells show <see cref="ColorMap.Missing"/>.
/// </summary>
public sealed class Heatmap : Plot
{
    private readonly float[] _values;

    /// <summary>A heatmap of <paramref name="values"/>, row-major, <paramref name="rows"/> × <paramref name="columns"/>; the values are copied.</summary>
    public Heatmap(ReadOnlySpan<float> values, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (values.Length != (long)rows * columns)
            throw new ArgumentException($"A {rows}×{columns} heatmap needs {(long)rows * columns} values, but {values.Length} were given.", nameof(values));
        _values = values.ToArray();
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Rows of the matrix, drawn top to bottom.</summary>
    public int Rows { get; }

    /// <summary>Columns of the matrix, drawn left to right.</summary>
    public int Columns { get; }

    /// <summary>The colour scale (viridis by default; a diverging map centres the range on zero).</summary>
    public ColorMap ColorMap { get; set; } = ColorMap.Viridis;

    /// <summary>
    /// The values at the two ends of the colour scale. Null: the data's finite range, made
    /// symmetric about zero when the map is diverging, so zero is the neutral middle colour.
    /// </summary>
    public ValueRange? Range { get; set; }

    /// <summary>One label per row (top to bottom), or null to number the rows from 0.</summary>
    public IReadOnlyList<string>? RowLabels { get; set; }

    /// <summary>One label per column (left to right), or null to number the columns from 0.</summary>
    public IReadOnlyList<string>? ColumnLabels { get; set; }

    /// <summary>Caption of the x axis.</summary>
    public string XLabel { get; set; } = "";

    /// <summary>Caption of the y axis.</summary>
    public string YLabel { get; set; } = "";

    /// <summary>Title of the colour bar, e.g. "activation".</summary>
    public string ColorBarLabel { get; set; } = "";

    /// <summary>The range the colours span: <see cref="Range"/>, or the one measured from the data.</summary>
    public ValueRange EffectiveRange =>
        Range ?? (ColorMap.IsDiverging ? ValueRange.SymmetricAboutZero(_values) : ValueRange.Of(_values));

    /// <summary>The heatmap as an SVG document: one cell per value, axes and a colour bar.</summary>
    public override string ToSvg()
    {
        var range = EffectiveRange;
        if (!double.IsFinite(range.Min) || !double.IsFinite(range.Max) || !(range.Max > range.Min))
            throw new InvalidOperationException($"The colour range [{range.Min}, {range.Max}] must be finite with max > min.");
        var rowLabels = Labels(RowLabels, Rows, nameof(RowLabels));
        var columnLabels = Labels(ColumnLabels, Columns, nameof(ColumnLabels));

        double right = Width - 16 - ColorBar.Width(range, ColorBarLabel) - 16;
        double left = 12 + (YLabel.Length > 0 ? TextMetrics.LabelSize + 8 : 0) + TextMetrics.MaxWidth(rowLabels, TextMetrics.TickSize) + 10;
        var columnAxis = new CategoryAxis(columnLabels, right - left, allowRotation: ColumnLabels is not null);
        double top = TopMargin;
        double bottom = Height - 10 - columnAxis.Height - (XLabel.Length > 0 ? TextMetrics.LabelSize + 8 : 0);
        var area = new PlotArea(left, top, Math.Max(right, left + 1), Math.Max(bottom, top + 1));
        double cellWidth = area.Width / Columns, cellHeight = area.Height / Rows;

        var svg = StartDocument();
        // Cell edges fall on whole pixels and each cell ends where the next begins, so with
        // crispEdges (no anti-aliasing) there are neither seams nor overlaps between cells.
        double[] xs = Edges(area.Left, cellWidth, Columns), ys = Edges(area.Top, cellHeight, Rows);
        svg.Open("g", ("class", "cells"), ("shape-rendering", "crispEdges"));
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++)
            {
                var color = ColorMap.Map(range.Normalize(_values[r * Columns + c]));
                svg.Rect(xs[c], ys[r], xs[c + 1] - xs[c], ys[r + 1] - ys[r], fill: color.ToHex());
            }
        svg.Close();
        Axes.DrawFrame(svg, area);
        DrawRowLabels(svg, area, rowLabels, cellHeight);
        columnAxis.Draw(svg, area.Bottom, c => area.Left + (c + 0.5) * cellWidth);
        Axes.DrawBottomTitle(svg, area, XLabel, area.Bottom + columnAxis.Height + 6);
        if (YLabel.Length > 0)
            svg.Text(12 + TextMetrics.LabelSize / 2, area.CenterY, YLabel, TextMetrics.LabelSize, anchor: "middle", rotate: -90);
        ColorBar.Draw(svg, ColorMap, range, ColorBarLabel, area.Right + 16, area.Top, area.Bottom);
        return svg.Finish();
    }

    /// <summary>Row labels right-aligned left of the cells; when rows are shorter than a line of text, only every k-th.</summary>
    private static void DrawRowLabels(SvgDocument svg, PlotArea area, IReadOnlyList<string> labels, double cellHeight)
    {
        int every = CategoryAxis.NiceStride(TextMetrics.TickSize * 1.2 / cellHeight);
        for (int r = 0; r < labels.Count; r += every)
        {
            double y = area.Top + (r + 0.5) * cellHeight;
            svg.Line(area.Left - 4, y, area.Left, y, "#333333");
            svg.Text(area.Left - 6, y, labels[r], TextMetrics.TickSize, anchor: "end");
        }
    }

    private static double[] Edges(double start, double size, int count) =>
        Enumerable.Range(0, count + 1).Select(i => Math.Round(start + i * size)).ToArray();

    private static IReadOnlyList<string> Labels(IReadOnlyList<string>? given, int count, string property)
    {
        if (given is null) return Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (given.Count != count)
            throw new InvalidOperationException($"{property} has {given.Count} labels for {count} cells.");
        return given;
    }
}
