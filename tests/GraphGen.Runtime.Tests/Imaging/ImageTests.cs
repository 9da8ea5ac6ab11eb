using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class ImageTests
{
    [Fact]
    public void PixelsRoundTripInEveryFormat()
    {
        var color = new Color(200, 100, 50, 25);
        var rgba = new Image(3, 2, PixelFormat.Rgba);
        rgba.SetPixel(2, 1, color);
        Assert.Equal(color, rgba.GetPixel(2, 1));
        Assert.Equal([200, 100, 50, 25], rgba.Pixels[20..24].ToArray());

        var rgb = new Image(3, 2, PixelFormat.Rgb);
        rgb.SetPixel(2, 1, color);
        Assert.Equal(color with { A = 255 }, rgb.GetPixel(2, 1));

        var gray = new Image(3, 2, PixelFormat.Gray);
        gray.SetPixel(2, 1, color);
        // BT.601 luma: 0.299·200 + 0.587·100 + 0.114·50 = 124.2
        Assert.Equal(124, gray.Pixels[5]);
        Assert.Equal(Color.Gray(124), gray.GetPixel(2, 1));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(3, 0)]
    [InlineData(0, 2)]
    public void PixelsOutsideTheImageThrow(int x, int y)
    {
        var image = new Image(3, 2, PixelFormat.Rgb);
        Assert.Throws<ArgumentOutOfRangeException>(() => image.GetPixel(x, y));
        Assert.Throws<ArgumentOutOfRangeException>(() => image.SetPixel(x, y, Color.White));
    }

    [Fact]
    public void FromGrayMapsTheRangeToBlackThroughWhite()
    {
        var image = Image.FromGray([-1f, 0f, 1f, 2f, -5f, float.NaN], 3, 2, min: -1, max: 1);
        Assert.Equal(PixelFormat.Gray, image.Format);
        Assert.Equal([0, 128, 255, 255, 0, 0], image.Pixels.ToArray());
    }

    [Fact]
    public void FromValuesGoesThroughTheColourMap()
    {
        var image = Image.FromValues([0f, 5f, 10f, float.NaN], 2, 2, ColorMap.Viridis, min: 0, max: 10);
        Assert.Equal(PixelFormat.Rgb, image.Format);
        Assert.Equal(ColorMap.Viridis.Map(0), image.GetPixel(0, 0));
        Assert.Equal(ColorMap.Viridis.Map(0.5), image.GetPixel(1, 0));
        Assert.Equal(ColorMap.Viridis.Map(1), image.GetPixel(0, 1));
        Assert.Equal(ColorMap.Missing, image.GetPixel(1, 1));
    }

    [Fact]
    public void FactoriesRejectAWrongCountOrAnEmptyRange()
    {
        Assert.Throws<ArgumentException>(() => Image.FromGray([1f, 2f, 3f], 2, 2, 0, 1));
        Assert.Throws<ArgumentException>(() => Image.FromGray([1f, 2f, 3f, 4f], 2, 2, 1, 1));
        Assert.Throws<ArgumentException>(() => Image.FromValues([1f], 1, 1, ColorMap.Viridis, 0, double.NaN));
    }

    [Fact]
    public void ScaleRepeatsEachPixelAsABlock()
    {
        var image = new Image(2, 1, PixelFormat.Rgb);
        image.SetPixel(1, 0, new Color(9, 8, 7));
        var scaled = image.Scale(3);
        Assert.Equal((6, 3), (scaled.Width, scaled.Height));
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 6; x++)
                Assert.Equal(x < 3 ? Color.Black : new Color(9, 8, 7), scaled.GetPixel(x, y));
    }

    [Fact]
    public void FillRectangleClipsToTheImage()
    {
        var image = new Image(4, 3, PixelFormat.Gray);
        image.FillRectangle(2, -5, 100, 7, Color.White);
        Assert.Equal([0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 0, 0], image.Pixels.ToArray());
    }

    [Fact]
    public void ConvertToGrayUsesLumaAndBackRepeats()
    {
        var image = new Image(1, 1, PixelFormat.Rgba);
        image.SetPixel(0, 0, new Color(255, 0, 0, 10));
        Assert.Equal(76, image.ConvertTo(PixelFormat.Gray).Pixels[0]); // 0.299 · 255 = 76.2
        Assert.Equal(new Color(76, 76, 76), image.ConvertTo(PixelFormat.Gray).ConvertTo(PixelFormat.Rgba).GetPixel(0, 0));
    }

    [Fact]
    public void ConstructorChecksSizeAndPixelCount()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(0, 1, PixelFormat.Gray));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(1, 1, (PixelFormat)2));
        Assert.Throws<ArgumentException>(() => new Image(2, 2, PixelFormat.Rgb, new byte[11]));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (byte)i), new Image(2, 2, PixelFormat.Rgb, Enumerable.Range(0, 12).Select(i => (byte)i).ToArray()).Pixels.ToArray());
    }

    [Fact]
    public void ValueRangesIgnoreNonFiniteValues()
    {
        float[] values = [3f, -2f, float.NaN, float.PositiveInfinity, 1f];
        Assert.Equal(new ValueRange(-2, 3), ValueRange.Of(values));
        Assert.Equal(new ValueRange(-3, 3), ValueRange.SymmetricAboutZero(values));
        Assert.Equal(new ValueRange(4.5, 5.5), ValueRange.Of([5f, 5f]));
        Assert.Equal(new ValueRange(0, 1), ValueRange.Of([float.NaN]));
        Assert.Equal(new ValueRange(-1, 1), ValueRange.SymmetricAboutZero([0f]));
        Assert.Equal(0.25, new ValueRange(-2, 2).Normalize(-1));
        Assert.Equal(1, new ValueRange(-2, 2).Normalize(7));
    }

    [Fact]
    public void ColorHelpers()
    {
        Assert.Equal("#1f77b4", Color.FromHex("#1f77b4").ToHex());
        Assert.Throws<FormatException>(() => Color.FromHex("1f77b4"));
        // Half-transparent white over black: 0.5·255 ≈ 128 (alpha 128 / 255 = 0.502).
        Assert.Equal(new Color(128, 128, 128), new Color(255, 255, 255, 128).Over(Color.Black));
    }
}
