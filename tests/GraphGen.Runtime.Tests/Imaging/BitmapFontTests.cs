using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class BitmapFontTests
{
    private const string CaptionPunctuation = " .,:;()[]-+=/%#'\"!?<>_*";

    public static TheoryData<char> RequiredCharacters()
    {
        var data = new TheoryData<char>();
        foreach (char c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + CaptionPunctuation.Trim() + "αεηλμσ×±≈")
            data.Add(c);
        return data;
    }

    private static int InkOf(char c) =>
        Enumerable.Range(0, BitmapFont.GlyphHeight).Sum(y => Enumerable.Range(0, BitmapFont.GlyphWidth).Count(x => BitmapFont.IsSet(c, x, y)));

    private static string Picture(char c) => string.Join(" ", Enumerable.Range(0, BitmapFont.GlyphHeight)
        .Select(y => new string(Enumerable.Range(0, BitmapFont.GlyphWidth).Select(x => BitmapFont.IsSet(c, x, y) ? '#' : '.').ToArray())));

    [Theory]
    [MemberData(nameof(RequiredCharacters))]
    public void CoversAndDrawsVisibleGlyph(char c)
    {
        Assert.True(BitmapFont.Covers(c));
        Assert.InRange(InkOf(c), 2, 30);
    }

    [Fact]
    public void SpaceIsBlankAndCovered()
    {
        Assert.True(BitmapFont.Covers(' '));
        Assert.Equal(0, InkOf(' '));
    }

    [Fact]
    public void NoTwoGlyphsLookTheSame()
    {
        var duplicates = BitmapFont.Characters.GroupBy(Picture).Where(g => g.Count() > 1).Select(g => string.Concat(g)).ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void CoversPrintableAscii() =>
        Assert.All(Enumerable.Range(32, 95).Select(i => (char)i), c => Assert.True(BitmapFont.Covers(c), $"'{c}'"));

    [Theory]
    [InlineData('g')]
    [InlineData('j')]
    [InlineData('p')]
    [InlineData('q')]
    [InlineData('y')]
    public void DescendersReachBelowTheBaseline(char c)
    {
        bool Below(char ch) => Enumerable.Range(BitmapFont.BodyHeight, BitmapFont.DescenderHeight)
            .Any(y => Enumerable.Range(0, BitmapFont.GlyphWidth).Any(x => BitmapFont.IsSet(ch, x, y)));
        Assert.True(Below(c), $"'{c}' has no descender");
        // The letters and digits that sit on the baseline do not: a 'g' is told from a '9' by its tail.
        Assert.All("0123456789abcdefhiklmnorstuvwxzABCDEFGHIJKLMNOPQRSTUVWXYZ", ch => Assert.False(Below(ch), $"'{ch}' reaches below the baseline"));
    }

    [Fact]
    public void MissingCharacterIsDrawnAsAHollowBox()
    {
        Assert.False(BitmapFont.Covers('Ω'));
        Assert.Equal("##### #...# #...# #...# #...# #...# ##### ..... .....", Picture('Ω'));
    }

    [Fact]
    public void MeasureCountsCellsWithoutTrailingSpacing()
    {
        // Every line is as tall as a glyph's box with its descender rows, 9 pixels; lines are 11 apart.
        Assert.Equal((13 * 6 - 1, 9), BitmapFont.Measure("pred 7 (0.98)"));
        Assert.Equal((2 * (3 * 6 - 1), 2 * (11 + 9)), BitmapFont.Measure("abc\nde", scale: 2));
        Assert.Equal((0, 0), BitmapFont.Measure(""));
    }

    [Fact]
    public void DrawPutsEachFontPixelAsAScaledBlock()
    {
        var image = new Image(20, 20, PixelFormat.Gray);
        BitmapFont.Draw(image, 3, 2, "7", Color.White, scale: 2);
        for (int y = 0; y < 20; y++)
        {
            for (int x = 0; x < 20; x++)
            {
                int fx = (x - 3) / 2, fy = (y - 2) / 2;
                bool inside = x >= 3 && y >= 2 && fx < BitmapFont.GlyphWidth && fy < BitmapFont.GlyphHeight;
                bool ink = inside && BitmapFont.IsSet('7', fx, fy);
                Assert.Equal(ink ? Color.White : Color.Black, image.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void TextRunningOffTheImageIsClipped()
    {
        var image = new Image(8, 8, PixelFormat.Rgb);
        BitmapFont.Draw(image, -3, 4, "pred 7 (0.98)", Color.White);
        Assert.Contains(image.Pixels.ToArray(), b => b == 255);
    }
}

public class BitmapFontRenderTests
{
    [Fact]
    public void RenderDrawsTheTextWithAOneFontPixelMargin()
    {
        var image = BitmapFont.Render("σ=0.2", scale: 2);
        var (width, height) = BitmapFont.Measure("σ=0.2", 2);
        Assert.Equal((width + 4, height + 4), (image.Width, image.Height));
        Assert.All(Enumerable.Range(0, image.Width), x => Assert.Equal(Color.White, image.GetPixel(x, 0)));
        Assert.Contains(Enumerable.Range(0, image.Width).SelectMany(x => Enumerable.Range(0, image.Height).Select(y => image.GetPixel(x, y))), c => c == Color.Black);
        Assert.Throws<ArgumentException>(() => BitmapFont.Render(""));
    }
}
