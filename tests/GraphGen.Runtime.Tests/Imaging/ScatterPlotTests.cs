using System.Xml.Linq;
using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class ScatterPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void DrawsOneCircleForEveryDrawablePointInItsGroupsColour()
    {
        var plot = new ScatterPlot { Title = "latent", XLabel = "z1", YLabel = "z2" }
            .Add("0", [0.0, 1, 2], [0.0, 1, double.NaN])
            .Add("1", [-1.0], [3.0]);
        var document = XDocument.Parse(plot.ToSvg());
        var groups = document.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "group").ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal(2, groups[0].Elements(Svg + "circle").Count());   // the NaN point is left out
        Assert.Single(groups[1].Elements(Svg + "circle"));
        Assert.All(groups[0].Elements(Svg + "circle"), c => Assert.Equal("#1f77b4", (string?)c.Attribute("fill")));
        Assert.All(groups[1].Elements(Svg + "circle"), c => Assert.Equal("#ff7f0e", (string?)c.Attribute("fill")));
        // A legend entry per group, with its name.
        var legend = document.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend");
        Assert.Equal(["0", "1"], legend.Elements(Svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void PointsLandWhereTheAxesSay()
    {
        var plot = new ScatterPlot { XLimits = new ValueRange(0, 10), YLimits = new ValueRange(0, 10) }
            .Add("", [0.0, 10], [0.0, 10]);
        var circles = XDocument.Parse(plot.ToSvg()).Descendants(Svg + "circle").ToList();
        double X(int i) => double.Parse((string)circles[i].Attribute("cx")!, System.Globalization.CultureInfo.InvariantCulture);
        double Y(int i) => double.Parse((string)circles[i].Attribute("cy")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(X(1) > X(0), "larger x lies further right");
        Assert.True(Y(1) < Y(0), "larger y lies higher");
    }

    [Fact]
    public void MismatchedCoordinatesAreRejected() =>
        Assert.Throws<ArgumentException>(() => new ScatterPlot().Add("a", [1.0, 2], [1.0]));
}
