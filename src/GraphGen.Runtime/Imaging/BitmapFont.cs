namespace GraphGen.Imaging;

/// <summary>
/// A 5×7 pixel font with descenders for captions in PNG images ("pred 7 (0.98)", "fgsm ε=0.1"),
/// in the manner of character LCDs: printable ASCII plus a few symbols of machine learning
/// (α ε η λ μ σ × ± ≈). Capitals and digits are seven pixels tall; g, j, p, q, y (and μ, η,
/// the comma and semicolon) reach two rows below the baseline, so every glyph sits in a 5×9 box
/// and every character in a 6×11 cell (one blank column after it, two blank rows below for line
/// spacing). A character the font lacks is drawn as a hollow box, so it is visibly missing
/// rather than silently dropped. Draw at scale 2 or more where people will read it
/// (<see cref="ImageGrid.CaptionScale"/> does by default).
/// </summary>
public static partial class BitmapFont
{
    /// <summary>Width of a glyph in font pixels.</summary>
    public const int GlyphWidth = 5;

    /// <summary>Height of a glyph's box in font pixels: seven rows down to the baseline and two for descenders.</summary>
    public const int GlyphHeight = BodyHeight + DescenderHeight;

    /// <summary>Rows from the top of a capital to the baseline.</summary>
    public const int BodyHeight = 7;

    /// <summary>Rows below the baseline that g, j, p, q and y reach into.</summary>
    public const int DescenderHeight = 2;

    /// <summary>Horizontal distance from one character to the next, in pixels at scale 1.</summary>
    public const int Advance = GlyphWidth + 1;

    /// <summary>Vertical distance from one line to the next, in pixels at scale 1.</summary>
    public const int LineHeight = GlyphHeight + 2;

    private static readonly Dictionary<char, byte[]> Glyphs = ParseGlyphs();
    private static readonly byte[] MissingGlyph = ParseRows("##### #...# #...# #...# #...# #...# #####");

    /// <summary>Every character the font draws, other than through the missing-glyph box.</summary>
    public static IEnumerable<char> Characters => Glyphs.Keys.Order();

    /// <summary>Whether the font has a glyph for <paramref name="c"/> (otherwise it draws the missing-glyph box).</summary>
    public static bool Covers(char c) => Glyphs.ContainsKey(c);

    /// <summary>Whether the glyph of <paramref name="c"/> has its pixel at column <paramref name="x"/> (0..4), row <paramref name="y"/> (0..8; rows 7 and 8 are below the baseline) set.</summary>
    public static bool IsSet(char c, int x, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, GlyphWidth);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, GlyphHeight);
        byte[] rows = Glyphs.GetValueOrDefault(c, MissingGlyph);
        // Bit 4 of each row is the leftmost column, bit 0 the rightmost.
        return (rows[y] >> (GlyphWidth - 1 - x) & 1) != 0;
    }

    /// <summary>The size in pixels of <paramref name="text"/> drawn at <paramref name="scale"/>; lines are separated by '\n'.</summary>
    public static (int Width, int Height) Measure(string text, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        if (text.Length == 0) return (0, 0);
        string[] lines = text.Split('\n');
        int longest = lines.Max(l => l.Length);
        // The last character and the last line need no spacing after them.
        int width = longest == 0 ? 0 : longest * Advance - 1;
        int height = (lines.Length - 1) * LineHeight + GlyphHeight;
        return (width * scale, height * scale);
    }

    /// <summary>
    /// Draws <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>),
    /// each font pixel a <paramref name="scale"/> × <paramref name="scale"/> block. Pixels that
    /// fall outside the image are skipped, so long captions are clipped, not an error.
    /// </summary>
    public static void Draw(Image image, int x, int y, string text, Color color, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        int left = x;
        foreach (char c in text)
        {
            if (c == '\n')
            {
                x = left;
                y += LineHeight * scale;
                continue;
            }
            for (int row = 0; row < GlyphHeight; row++)
                for (int column = 0; column < GlyphWidth; column++)
                    if (IsSet(c, column, row))
                        image.FillRectangle(x + column * scale, y + row * scale, scale, scale, color);
            x += Advance * scale;
        }
    }

    /// <summary>
    /// <paramref name="text"/> alone as a picture: ink on a background, with a margin of one font
    /// pixel, e.g. a row label in an <see cref="ImageGrid"/> (a cell of its own, so that it does not
    /// widen every column as a caption would). Black on white unless told otherwise.
    /// </summary>
    public static Image Render(string text, int scale = 2, Color? ink = null, Color? background = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var (width, height) = Measure(text, scale);
        var image = new Image(width + 2 * scale, height + 2 * scale, PixelFormat.Rgb);
        image.Fill(background ?? Color.White);
        Draw(image, scale, scale, text, ink ?? Color.Black, scale);
        return image;
    }

    /// <summary>
    /// Seven rows (down to the baseline) or nine (with descenders) of five '#' (on) or '.' (off),
    /// separated by spaces, to one byte per row of the 5×9 box.
    /// </summary>
    private static byte[] ParseRows(string picture)
    {
        string[] rows = picture.Split(' ');
        if (rows.Length is not (BodyHeight or GlyphHeight) || rows.Any(r => r.Length != GlyphWidth || r.Any(p => p is not ('#' or '.'))))
            throw new InvalidOperationException($"Glyph picture '{picture}' is not {BodyHeight} or {GlyphHeight} rows of {GlyphWidth} '#' or '.'.");
        var bits = new byte[GlyphHeight];
        for (int y = 0; y < rows.Length; y++)
            bits[y] = (byte)rows[y].Aggregate(0, (b, p) => b << 1 | (p == '#' ? 1 : 0));
        return bits;
    }

    private static Dictionary<char, byte[]> ParseGlyphs()
    {
        var glyphs = new Dictionary<char, byte[]>();
        foreach (var (c, picture) in GlyphPictures)
            if (!glyphs.TryAdd(c, ParseRows(picture)))
                throw new InvalidOperationException($"Glyph '{c}' is defined twice.");
        return glyphs;
    }
}
