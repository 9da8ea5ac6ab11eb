namespace GraphGen.Imaging;

/// <summary>
/// Labels for categories along the bottom of a plot area (layer names under bar groups,
/// column labels under a heatmap). Labels that would overlap are turned 40° and anchored at
/// their end, as spreadsheet charts do; if even that is too crowded, or turning is not
/// allowed (index numbers read better upright), only every k-th is shown, k from 1, 2, 5, 10...
/// </summary>
internal sealed class CategoryAxis
{
    private const double Angle = 40;

    private readonly IReadOnlyList<string> _labels;
    private readonly bool _rotated;
    private readonly int _every;

    public CategoryAxis(IReadOnlyList<string> labels, double availableWidth, bool allowRotation = true)
    {
        _labels = labels;
        double slot = labels.Count == 0 ? availableWidth : availableWidth / labels.Count;
        double widest = TextMetrics.MaxWidth(labels, TextMetrics.TickSize) + 4;
        _rotated = allowRotation && widest > slot;
        // Turned labels need about one line height of horizontal room each.
        double needed = _rotated ? TextMetrics.TickSize * 1.3 : widest;
        _every = NiceStride(needed / slot);
    }

    /// <summary>The smallest of 1, 2, 5, 10, 20, 50... that is at least <paramref name="minimum"/>.</summary>
    public static int NiceStride(double minimum)
    {
        for (int power = 1; ; power *= 10)
            foreach (int m in (int[])[1, 2, 5])
                if (m * power >= minimum) return m * power;
    }

    /// <summary>Height the labels take below the axis line.</summary>
    public double Height => 9 + (_rotated
        ? Math.Sin(Angle * Math.PI / 180) * TextMetrics.MaxWidth(_labels, TextMetrics.TickSize) + TextMetrics.TickSize
        : TextMetrics.TickSize);

    /// <summary>Draws label i under x = <paramref name="centerOf"/>(i), with a tick mark.</summary>
    public void Draw(SvgDocument svg, double axisY, Func<int, double> centerOf)
    {
        for (int i = 0; i < _labels.Count; i += _every)
        {
            double x = centerOf(i);
            svg.Line(x, axisY, x, axisY + 4, "#333333");
            if (_rotated)
                svg.Text(x, axisY + 9 + TextMetrics.TickSize / 2, _labels[i], TextMetrics.TickSize, anchor: "end", rotate: -Angle);
            else
                svg.Text(x, axisY + 9 + TextMetrics.TickSize / 2, _labels[i], TextMetrics.TickSize, anchor: "middle");
        }
    }
}
