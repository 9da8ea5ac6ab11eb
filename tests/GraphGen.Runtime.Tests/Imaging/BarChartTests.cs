using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class BarChartTests
{
    private static readonly string[] Layers = ["hidden1.weight", "hidden2.weight", "output.weight"];

    private static List<System.Xml.Linq.XElement> Bars(string svg) =>
        SvgAssert.WellFormed(svg, 640, 400).Group("bars").Elements(SvgAssert.Svg + "rect").ToList();

    [Fact]
    public void GroupsOneBarPerSeriesUnderEachCategory()
    {
        var chart = new BarChart(Layers) { Title = "Gradient norm per layer", YLabel = "norm" }
            .Add("plain", [1e-4, 1e-2, 0.5])
            .Add("residual", [0.1, 0.2, 0.5]);
        string text = chart.ToSvg();
        var svg = SvgAssert.WellFormed(text, 640, 400);
        var bars = Bars(text);

        Assert.Equal(6, bars.Count);
        Assert.Subset(svg.Texts().ToHashSet(), Layers.Concat(["plain", "residual", "Gradient norm per layer"]).ToHashSet());
        // Series 0 then series 1; within a category the residual bar sits right of the plain one.
        var plain = bars.Take(3).ToList();
        var residual = bars.Skip(3).ToList();
        Assert.All(plain, b => Assert.Equal("#1f77b4", (string?)b.Attribute("fill")));
        for (int c = 0; c < 3; c++)
            Assert.Equal(plain[c].Number("x") + plain[c].Number("width"), residual[c].Number("x"), 0.011);
        // Taller values are taller bars, on a common baseline.
        Assert.True(plain[2].Number("height") > plain[1].Number("height"));
        Assert.Equal(plain[0].Number("y") + plain[0].Number("height"), plain[2].Number("y") + plain[2].Number("height"), 0.011);
    }

    [Fact]
    public void NegativeValuesHangBelowZero()
    {
        var bars = Bars(new BarChart(["a", "b"]).Add("delta", [2.0, -1.0]).ToSvg());
        double baseline = bars[0].Number("y") + bars[0].Number("height");
        Assert.Equal(baseline, bars[1].Number("y"), 0.011);
        Assert.Equal(bars[0].Number("height") / 2, bars[1].Number("height"), 0.02);
    }

    [Fact]
    public void LogScaleSkipsNonPositiveAndNaNValuesAndGivesTheSmallestBarAHeight()
    {
        var chart = new BarChart(["a", "b", "c", "d"]) { LogY = true }.Add("norm", [1e-7, 0, double.NaN, 1e-1]);
        var bars = Bars(chart.ToSvg());
        Assert.Equal(2, bars.Count);
        // The axis reaches a decade below 1e-7, so the smallest bar is 1 decade of the 7 shown.
        Assert.Equal(bars[1].Number("height") / 7, bars[0].Number("height"), 0.02);
    }

    [Fact]
    public void LongCategoryNamesAreTurned()
    {
        var many = Enumerable.Range(0, 12).Select(i => $"block{i}.conv.weight").ToArray();
        var chart = new BarChart(many).Add("norm", Enumerable.Range(1, 12).Select(i => (double)i).ToArray());
        var svg = SvgAssert.WellFormed(chart.ToSvg(), 640, 400);
        var label = svg.All("text").Single(t => t.Value == "block3.conv.weight");
        Assert.StartsWith("rotate(-40 ", (string?)label.Attribute("transform"));
    }

    [Fact]
    public void RejectsAValueCountThatDoesNotMatchTheCategories()
    {
        Assert.Throws<ArgumentException>(() => new BarChart(["a", "b"]).Add("x", [1.0]));
        Assert.Throws<ArgumentException>(() => new BarChart([]));
    }

    [Fact]
    public void OutputIsTheSameUnderAnyCulture()
    {
        static string Draw() => new BarChart(["a", "b"]) { Title = "t" }.Add("x", [0.25, -1.5]).ToSvg();
        Assert.Equal(Draw(), SvgAssert.UnderCommaCulture(Draw));
    }
}
