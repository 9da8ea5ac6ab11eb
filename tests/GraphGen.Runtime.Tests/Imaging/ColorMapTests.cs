using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class ColorMapTests
{
    /// <summary>CIE L* (0 black, 100 white) of an sRGB colour: linearise, take luminance Y, then L* = 116 f(Y) − 16.</summary>
    internal static double Lightness(Color c)
    {
        static double Linear(byte v)
        {
            double s = v / 255.0;
            return s <= 0.04045 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }
        double y = 0.2126 * Linear(c.R) + 0.7152 * Linear(c.G) + 0.0722 * Linear(c.B);
        return y > 216.0 / 24389 ? 116 * Math.Cbrt(y) - 16 : y * 24389.0 / 27;
    }

    [Fact]
    public void ViridisEndsAndMiddleMatchMatplotlib()
    {
        // matplotlib: viridis(0) = #440154, viridis(0.5) = #21918c, viridis(1.0) = #fde725.
        Assert.Equal(Color.FromHex("#440154"), ColorMap.Viridis.Map(0));
        Assert.Equal(Color.FromHex("#21918c"), ColorMap.Viridis.Map(128 / 255.0));
        Assert.Equal(Color.FromHex("#fde725"), ColorMap.Viridis.Map(1));
    }

    [Theory]
    // Entries of matplotlib's 256-colour table that fall between our stops.
    [InlineData(4, 0.272594, 0.025563, 0.353093)]
    [InlineData(148, 0.124780, 0.640461, 0.527068)]
    [InlineData(236, 0.804182, 0.882046, 0.114965)]
    public void ViridisBetweenStopsIsWithinOneLevelOfTheFullTable(int index, double r, double g, double b)
    {
        var c = ColorMap.Viridis.Map(index / 255.0);
        Assert.InRange(c.R, r * 255 - 1, r * 255 + 1);
        Assert.InRange(c.G, g * 255 - 1, g * 255 + 1);
        Assert.InRange(c.B, b * 255 - 1, b * 255 + 1);
    }

    [Fact]
    public void ViridisLightnessRisesMonotonically()
    {
        double previous = double.NegativeInfinity;
        for (int i = 0; i <= 64; i++)
        {
            double lightness = Lightness(ColorMap.Viridis.Map(i / 64.0));
            Assert.True(lightness > previous, $"L* falls at t = {i / 64.0}: {lightness} after {previous}");
            previous = lightness;
        }
        Assert.InRange(previous - Lightness(ColorMap.Viridis.Map(0)), 60, 80);
    }

    [Fact]
    public void BlueWhiteRedIsBlueBelowTheMiddleWhiteAtItAndRedAbove()
    {
        var map = ColorMap.BlueWhiteRed;
        Assert.True(map.IsDiverging);
        Assert.Equal(Color.FromHex("#053061"), map.Map(0));
        Assert.Equal(Color.FromHex("#f7f7f7"), map.Map(0.5));
        Assert.Equal(Color.FromHex("#67001f"), map.Map(1));
        for (int i = 1; i < 10; i++)
        {
            double t = i / 20.0;
            Color low = map.Map(t), high = map.Map(1 - t);
            Assert.True(low.B > low.R, $"t = {t} should be blue: {low}");
            Assert.True(high.R > high.B, $"t = {1 - t} should be red: {high}");
            // Equal distance from zero should look about equally strong on either side.
            Assert.InRange(Lightness(low) - Lightness(high), -8, 8);
        }
    }

    [Fact]
    public void OutOfRangeClampsAndNaNIsMarked()
    {
        Assert.Equal(ColorMap.Viridis.Map(0), ColorMap.Viridis.Map(-3));
        Assert.Equal(ColorMap.Viridis.Map(1), ColorMap.Viridis.Map(double.PositiveInfinity));
        Assert.Equal(new Color(255, 0, 255), ColorMap.Viridis.Map(double.NaN));
        Assert.Equal(ColorMap.Missing, ColorMap.BlueWhiteRed.Map(double.NaN));
    }

    [Fact]
    public void InterpolatesLinearlyBetweenStops()
    {
        var map = new ColorMap("test", [new(0, 0, 0, 0), new(0.25, 1, 0, 0), new(1, 1, 1, 1)]);
        Assert.Equal(new Color(128, 0, 0), map.Map(0.125));
        Assert.Equal(new Color(255, 0, 0), map.Map(0.25));
        Assert.Equal(new Color(255, 128, 128), map.Map(0.625));
        Assert.Equal(new Color(128, 128, 128), ColorMap.Grays.Map(0.5));
    }

    [Theory]
    [InlineData(0.0, 0.5)] // does not end at 1
    [InlineData(0.1, 1.0)] // does not start at 0
    [InlineData(0.0, 0.0)] // positions do not increase
    public void RejectsMalformedStops(double first, double last) =>
        Assert.Throws<ArgumentException>(() => new ColorMap("bad", [new(first, 0, 0, 0), new(last, 1, 1, 1)]));

    [Fact]
    public void RejectsChannelsOutsideTheUnitInterval() =>
        Assert.Throws<ArgumentException>(() => new ColorMap("bad", [new(0, 0, 0, 0), new(1, 1.5, 1, 1)]));
}
