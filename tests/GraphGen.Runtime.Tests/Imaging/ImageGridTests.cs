using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class ImageGridTests
{
    private static Image Solid(int width, int height, Color color, PixelFormat format = PixelFormat.Rgb)
    {
        var image = new Image(width, height, format);
        image.Fill(color);
        return image;
    }

    [Fact]
    public void TilesRowMajorWithMarginsAroundAndBetween()
    {
        var red = new Color(255, 0, 0);
        var grid = new ImageGrid(columns: 2) { Margin = 4 }
            .Add(Solid(10, 10, red)).Add(Solid(10, 10, Color.Black)).Add(Solid(10, 10, red));

        var sheet = grid.Render();

        Assert.Equal((2 * 10 + 3 * 4, 2 * 10 + 3 * 4), (sheet.Width, sheet.Height));
        Assert.Equal(Color.White, sheet.GetPixel(3, 3));
        Assert.Equal(red, sheet.GetPixel(4, 4));
        Assert.Equal(red, sheet.GetPixel(13, 13));
        Assert.Equal(Color.White, sheet.GetPixel(14, 4));
        Assert.Equal(Color.Black, sheet.GetPixel(18, 4));
        Assert.Equal(red, sheet.GetPixel(4, 18));
        Assert.Equal(Color.White, sheet.GetPixel(18, 18)); // the empty fourth cell
    }

    [Fact]
    public void CaptionWidensTheCellAndIsDrawnBelowTheImage()
    {
        const string caption = "pred 7 (0.98)";
        var (textWidth, textHeight) = BitmapFont.Measure(caption, scale: 2);
        var sheet = new ImageGrid(1) { Margin = 2 }.Add(Solid(8, 8, Color.Black), caption).Render();

        // Captions are drawn at scale 2 by default, two font pixels (4 image pixels) below the image.
        Assert.Equal(textWidth + 4, sheet.Width);
        Assert.Equal(8 + 4 + textHeight + 4, sheet.Height);
        // The 8-pixel image is centred over the wider caption.
        Assert.Equal(Color.Black, sheet.GetPixel(2 + (textWidth - 8) / 2, 2));
        // Below the image there is black ink from the caption, and nothing else but white.
        var band = Enumerable.Range(2 + 8, sheet.Height - 10).SelectMany(y => Enumerable.Range(0, sheet.Width).Select(x => sheet.GetPixel(x, y))).ToList();
        Assert.Contains(Color.Black, band);
        Assert.All(band, c => Assert.True(c == Color.Black || c == Color.White));
    }

    [Fact]
    public void FooterIsCentredBelowTheCells()
    {
        var footer = Solid(30, 5, new Color(0, 128, 0));
        var sheet = new ImageGrid(2) { Margin = 4, Footer = footer }
            .Add(Solid(10, 10, Color.Black)).Add(Solid(10, 10, Color.Black)).Render();
        // The footer is wider than the two cells: the sheet widens to it plus the margins.
        Assert.Equal((30 + 2 * 4, 10 + 2 * 4 + 5 + 4), (sheet.Width, sheet.Height));
        Assert.Equal(new Color(0, 128, 0), sheet.GetPixel(4, 18));
        Assert.Equal(new Color(0, 128, 0), sheet.GetPixel(33, 22));
        Assert.Equal(Color.White, sheet.GetPixel(3, 18));
    }

    [Fact]
    public void TransparentPixelsShowTheBackground()
    {
        var image = Solid(2, 1, new Color(0, 0, 255, 0), PixelFormat.Rgba);
        image.SetPixel(1, 0, new Color(0, 0, 255));
        var sheet = new ImageGrid(1) { Margin = 0, Background = new Color(10, 20, 30) }.Add(image).Render();
        Assert.Equal(new Color(10, 20, 30), sheet.GetPixel(0, 0));
        Assert.Equal(new Color(0, 0, 255), sheet.GetPixel(1, 0));
    }

    [Fact]
    public void EmptyGridCannotRender() =>
        Assert.Throws<InvalidOperationException>(() => new ImageGrid(3).Render());
}
