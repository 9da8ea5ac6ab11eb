using System.Text;
using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class LinePlotTests
{
    private static LinePlot TrainingCurves()
    {
        double[] epochs = [1, 2, 3, 4, 5];
        return new LinePlot { Title = "Loss", XLabel = "epoch", YLabel = "loss" }
            .Add("train", epochs, [2.3, 1.1, 0.6, 0.4, 0.3])
            .Add("validation", epochs, [2.4, 1.3, 0.8, 0.7, 0.72], markers: true);
    }

    [Fact]
    public void WritesWellFormedSvgWithTitleLabelsLegendAndOneCurvePerSeries()
    {
        var svg = SvgAssert.WellFormed(TrainingCurves().ToSvg(), 640, 400);

        Assert.Subset(svg.Texts().ToHashSet(), new HashSet<string> { "Loss", "epoch", "loss", "train", "validation" });
        var series = svg.All("g").Where(g => (string?)g.Attribute("class") == "series").ToList();
        Assert.Equal(2, series.Count);
        Assert.All(series, s => Assert.Single(s.Elements(SvgAssert.Svg + "polyline")));
        Assert.Empty(series[0].Elements(SvgAssert.Svg + "circle"));
        Assert.Equal(5, series[1].Elements(SvgAssert.Svg + "circle").Count()); // markers
        Assert.Equal("#1f77b4", (string?)series[0].Element(SvgAssert.Svg + "polyline")!.Attribute("stroke"));
        Assert.Equal("#ff7f0e", (string?)series[1].Element(SvgAssert.Svg + "polyline")!.Attribute("stroke"));
    }

    [Fact]
    public void PointsMapLeftToRightAndBottomToTop()
    {
        var svg = SvgAssert.WellFormed(new LinePlot().Add("", [0.0, 1, 2], [0.0, 10, 5]).ToSvg(), 640, 400);
        var points = SvgAssert.Points((string)svg.All("polyline").Single().Attribute("points")!);

        Assert.True(points[0].X < points[1].X && points[1].X < points[2].X);
        Assert.True(points[1].Y < points[2].Y && points[2].Y < points[0].Y, "larger values are higher, i.e. smaller SVG y");
        // y = 5 is halfway between the axis ends 0 and 10.
        Assert.Equal((points[0].Y + points[1].Y) / 2, points[2].Y, 0.011);
    }

    [Fact]
    public void NonFiniteValuesBreakTheCurve()
    {
        var plot = new LinePlot().Add("loss", [1.0, 2, 3, 4, 5, 6], [1.0, 2, double.NaN, 3, 4, double.PositiveInfinity]);
        var lines = SvgAssert.WellFormed(plot.ToSvg(), 640, 400).All("polyline").ToList();
        Assert.Equal([2, 2], lines.Select(l => SvgAssert.Points((string)l.Attribute("points")!).Count));
    }

    [Fact]
    public void LogAxisLabelsDecadesAndSkipsValuesItCannotShow()
    {
        var plot = new LinePlot { LogY = true, Height = 600 }
            .Add("grad norm", [0.0, 1, 2, 3, 4], [1e-6, 1e-3, 0, 1, 100]);
        var svg = SvgAssert.WellFormed(plot.ToSvg(), 640, 600);

        Assert.Subset(svg.Texts().ToHashSet(), new HashSet<string> { "10⁻⁶", "10⁻⁴", "10⁻²", "10⁰", "10²" });
        var runs = svg.All("polyline").Select(l => SvgAssert.Points((string)l.Attribute("points")!)).ToList();
        Assert.Equal([2, 2], runs.Select(r => r.Count)); // the 0 splits the curve
        // Equal ratios are equal distances: 1e-6 → 1e-3 spans three decades, 1 → 100 two.
        double decade = (runs[0][0].Y - runs[0][1].Y) / 3;
        Assert.Equal(2 * decade, runs[1][0].Y - runs[1][1].Y, 0.02);
    }

    [Fact]
    public void EscapesMarkupInTitleAndNames()
    {
        var plot = new LinePlot { Title = "loss < 0.1 & \"fast\"", XLabel = "it's" }.Add("<script>", [1.0, 2], [1.0, 2]);
        string text = plot.ToSvg();
        var svg = SvgAssert.WellFormed(text, 640, 400);

        Assert.Contains("loss < 0.1 & \"fast\"", svg.Texts());
        Assert.Contains("<script>", svg.Texts());
        Assert.Contains("it's", svg.Texts());
        Assert.Contains("loss &lt; 0.1 &amp; &quot;fast&quot;", text);
        Assert.DoesNotContain("<script>", text);
    }

    [Fact]
    public void CharactersXmlForbidsAreReplacedNotWritten()
    {
        var svg = SvgAssert.WellFormed(new LinePlot { Title = "bad\u0001byte\uD800" }.ToSvg(), 640, 400);
        Assert.Contains("bad\uFFFDbyte\uFFFD", svg.Texts());
    }

    [Fact]
    public void OutputIsTheSameUnderAnyCultureAndOnEveryCall()
    {
        string expected = TrainingCurves().ToSvg();
        Assert.Equal(expected, SvgAssert.UnderCommaCulture(() => TrainingCurves().ToSvg()));
        Assert.Equal(expected, TrainingCurves().ToSvg());
    }

    [Fact]
    public void FixedLimitsOverrideTheDataRange()
    {
        var plot = new LinePlot { YLimits = new ValueRange(0, 1) }.Add("accuracy", [1.0, 2], [0.5, 0.9]);
        var labels = SvgAssert.WellFormed(plot.ToSvg(), 640, 400).Texts().ToList();
        Assert.Contains("0.0", labels);
        Assert.Contains("1.0", labels);
    }

    [Fact]
    public void FloatSeriesAndEmptyPlotsWork()
    {
        SvgAssert.WellFormed(new LinePlot().Add("f", [1f, 2f], [0.5f, 0.25f]).ToSvg(), 640, 400);
        SvgAssert.WellFormed(new LinePlot { Title = "nothing yet" }.ToSvg(), 640, 400);
        SvgAssert.WellFormed(new LinePlot { LogY = true }.Add("all zero", [1.0, 2], [0.0, 0]).ToSvg(), 640, 400);
        // A subnormal gradient norm is drawn (below the axis, clipped) instead of breaking the axis.
        SvgAssert.WellFormed(new LinePlot { LogY = true }.Add("underflow", [1.0, 2, 3], [1e-320, 1e-3, 1]).ToSvg(), 640, 400);
        SvgAssert.WellFormed(new LinePlot { LogY = true }.Add("only tiny", [1.0], [1e-320]).ToSvg(), 640, 400);
    }

    [Fact]
    public void MismatchedLengthsAndTinySizesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new LinePlot().Add("a", [1.0, 2], [1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinePlot { Width = 10 });
    }

    [Fact]
    public void SaveWritesUtf8WithoutBomIntoANewDirectoryAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File(Path.Combine("figures", "loss.svg"));
        var plot = TrainingCurves();

        plot.Save(path);
        plot.Save(path); // replacing an existing file works too

        byte[] bytes = File.ReadAllBytes(path);
        Assert.NotEqual(0xEF, bytes[0]);
        Assert.Equal(plot.ToSvg(), Encoding.UTF8.GetString(bytes));
        Assert.Equal(["figures", "figures/loss.svg"], dir.Entries());
    }
}
