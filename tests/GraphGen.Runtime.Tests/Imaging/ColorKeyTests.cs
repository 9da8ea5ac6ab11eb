using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class ColorKeyTests
{
    [Fact]
    public void BarRunsThroughTheMapFromLeftToRightUnderTheTitle()
    {
        var key = ColorKey.Horizontal(ColorMap.BlueWhiteRed, -0.1, 0.1, barWidth: 101, title: "perturbation");
        // Find the bar: the row in the middle of the bar's height has the map's colours at its ends and centre.
        int titleHeight = BitmapFont.Measure("perturbation", 2).Height;
        int barRow = titleHeight + 4 + 6;
        int left = (key.Width - 101) / 2;
        Assert.Equal(ColorMap.BlueWhiteRed.Map(0), key.GetPixel(left, barRow));
        Assert.Equal(ColorMap.BlueWhiteRed.Map(0.5), key.GetPixel(left + 50, barRow));
        Assert.Equal(ColorMap.BlueWhiteRed.Map(1), key.GetPixel(left + 100, barRow));
        // Labels below the bar: black ink, and the title above it.
        var below = Enumerable.Range(barRow + 8, key.Height - barRow - 8).SelectMany(y => Enumerable.Range(0, key.Width).Select(x => key.GetPixel(x, y)));
        Assert.Contains(Color.Black, below);
        var above = Enumerable.Range(0, titleHeight).SelectMany(y => Enumerable.Range(0, key.Width).Select(x => key.GetPixel(x, y)));
        Assert.Contains(Color.Black, above);
    }

    [Fact]
    public void KeyWithoutTitleStartsWithTheBar()
    {
        var key = ColorKey.Horizontal(ColorMap.Viridis, 0, 1, barWidth: 64);
        int left = (key.Width - 64) / 2;
        Assert.Equal(ColorMap.Viridis.Map(0), key.GetPixel(left, 5));
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(1.0, -1.0)]
    [InlineData(double.NaN, 1.0)]
    public void RejectsAnEmptyOrReversedRange(double min, double max) =>
        Assert.Throws<ArgumentException>(() => ColorKey.Horizontal(ColorMap.Viridis, min, max, 64));
}
