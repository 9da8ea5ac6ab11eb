using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class HeatmapTests
{
    [Fact]
    public void DrawsOneCellPerValueRowZeroAtTheTopColouredByTheMap()
    {
        float[] values = [0, 1, 2, 3, 4, 5];
        var heatmap = new Heatmap(values, rows: 2, columns: 3) { Title = "activations", XLabel = "unit", YLabel = "layer" };
        var svg = SvgAssert.WellFormed(heatmap.ToSvg(), 640, 400);
        var cells = svg.Group("cells").Elements(SvgAssert.Svg + "rect").ToList();

        Assert.Equal(6, cells.Count);
        for (int i = 0; i < 6; i++)
            Assert.Equal(ColorMap.Viridis.Map(i / 5.0).ToHex(), (string?)cells[i].Attribute("fill"));
        Assert.True(cells[0].Number("y") < cells[3].Number("y"), "row 0 is above row 1");
        Assert.True(cells[0].Number("x") < cells[1].Number("x"));
        Assert.Subset(svg.Texts().ToHashSet(), new HashSet<string> { "activations", "unit", "layer", "0", "1", "2" });
    }

    [Fact]
    public void CellsTileWithoutGapsOrOverlaps()
    {
        var svg = SvgAssert.WellFormed(new Heatmap(new float[7 * 13], 7, 13).ToSvg(), 640, 400);
        var cells = svg.Group("cells").Elements(SvgAssert.Svg + "rect").ToList();
        for (int i = 0; i < cells.Count; i++)
        {
            if (i % 13 != 12) Assert.Equal(cells[i].Number("x") + cells[i].Number("width"), cells[i + 1].Number("x"));
            if (i + 13 < cells.Count) Assert.Equal(cells[i].Number("y") + cells[i].Number("height"), cells[i + 13].Number("y"));
            Assert.Equal(Math.Round(cells[i].Number("x")), cells[i].Number("x"));
        }
    }

    [Fact]
    public void DivergingMapsDefaultToARangeSymmetricAboutZero()
    {
        var heatmap = new Heatmap([-1f, 0f, 3f, float.NaN], 2, 2) { ColorMap = ColorMap.BlueWhiteRed };
        Assert.Equal(new ValueRange(-3, 3), heatmap.EffectiveRange);
        var cells = SvgAssert.WellFormed(heatmap.ToSvg(), 640, 400).Group("cells").Elements(SvgAssert.Svg + "rect").ToList();
        Assert.Equal(ColorMap.BlueWhiteRed.Map(0.5).ToHex(), (string?)cells[1].Attribute("fill"));
        Assert.Equal(ColorMap.Missing.ToHex(), (string?)cells[3].Attribute("fill"));
    }

    [Fact]
    public void ColourBarUsesTheMapsStopsAndLabelsTicksInsideTheRange()
    {
        var heatmap = new Heatmap([0f, 0.5f, 1f, 0.25f], 2, 2) { ColorBarLabel = "activation" };
        var svg = SvgAssert.WellFormed(heatmap.ToSvg(), 640, 400);

        var stops = svg.All("stop").ToList();
        Assert.Equal(ColorMap.Viridis.Stops.Count, stops.Count);
        Assert.Equal(ColorMap.Viridis.Map(1).ToHex(), (string?)stops[^1].Attribute("stop-color"));
        Assert.Equal("100%", (string?)stops[^1].Attribute("offset"));
        Assert.Subset(svg.Texts().ToHashSet(), new HashSet<string> { "0.0", "0.2", "1.0", "activation" });
        Assert.DoesNotContain("1.2", svg.Texts());
    }

    [Fact]
    public void LabelsAreUsedWhenGivenAndCheckedForCount()
    {
        var heatmap = new Heatmap(new float[4], 2, 2) { RowLabels = ["hidden", "output"], ColumnLabels = ["a & b", "c"] };
        Assert.Subset(SvgAssert.WellFormed(heatmap.ToSvg(), 640, 400).Texts().ToHashSet(), new HashSet<string> { "hidden", "output", "a & b" });

        heatmap.RowLabels = ["only one"];
        Assert.Throws<InvalidOperationException>(heatmap.ToSvg);
    }

    [Fact]
    public void ManyColumnsAreNumberedAtANiceStride()
    {
        var svg = SvgAssert.WellFormed(new Heatmap(new float[128], 1, 128).ToSvg(), 640, 400);
        var numbers = svg.All("text").Select(t => t.Value).Where(v => int.TryParse(v, out _)).Select(int.Parse).Distinct().Order().ToList();
        int stride = numbers[1] - numbers[0];
        Assert.Contains(stride, new[] { 2, 5, 10, 20 });
        Assert.All(numbers, n => Assert.Equal(0, n % stride));
    }

    [Fact]
    public void RejectsAWrongValueCountOrAnEmptyRange()
    {
        Assert.Throws<ArgumentException>(() => new Heatmap(new float[5], 2, 3));
        Assert.Throws<InvalidOperationException>(new Heatmap(new float[4], 2, 2) { Range = new ValueRange(1, 1) }.ToSvg);
    }
}
