namespace GraphGen.Imaging;

/// <summary>
/// Tiles images into rows of <see cref="Columns"/> cells, each optionally captioned below in
/// the <see cref="BitmapFont"/>: a sheet of digits with their predictions, or originals,
/// adversarial samples and perturbations side by side. Every cell has the size of the
/// largest image (and is widened to the longest caption); smaller images are centred in it.
/// An optional <see cref="Footer"/> (a colour key, a legend) is centred below the cells.
/// </summary>
public sealed class ImageGrid
{
    private readonly List<(Image Image, string? Caption)> _cells = [];

    /// <summary>An empty grid of <paramref name="columns"/> cells per row.</summary>
    public ImageGrid(int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        Columns = columns;
    }

    /// <summary>Cells per row.</summary>
    public int Columns { get; }

    /// <summary>Pixels of background around and between cells.</summary>
    public int Margin { get; init; } = 4;

    /// <summary>
    /// Size of each font pixel in the captions, in image pixels. 2 by default: captions 14 pixels
    /// tall to the baseline (18 with descenders), readable when the picture is shown on a page.
    /// </summary>
    public int CaptionScale { get; init; } = 2;

    /// <summary>An image drawn centred below the cells, e.g. a <see cref="ColorKey"/> for a signed map; null for none.</summary>
    public Image? Footer { get; init; }

    /// <summary>Colour of the margins and of cell space an image does not cover (white by default).</summary>
    public Color Background { get; init; } = Color.White;

    /// <summary>Colour of the captions (black by default).</summary>
    public Color CaptionColor { get; init; } = Color.Black;

    /// <summary>Cells added so far.</summary>
    public int Count => _cells.Count;

    /// <summary>Appends a cell, filling rows left to right; RGBA images are composited over the background.</summary>
    public ImageGrid Add(Image image, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        _cells.Add((image, caption));
        return this;
    }

    /// <summary>The grid as one RGB image.</summary>
    public Image Render()
    {
        if (_cells.Count == 0)
            throw new InvalidOperationException("The grid has no images; add at least one before rendering.");
        ArgumentOutOfRangeException.ThrowIfNegative(Margin);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CaptionScale);

        int captionWidth = _cells.Max(c => BitmapFont.Measure(c.Caption ?? "", CaptionScale).Width);
        int captionHeight = _cells.Max(c => BitmapFont.Measure(c.Caption ?? "", CaptionScale).Height);
        // A gap of one font pixel row keeps the caption off the image's bottom edge.
        int captionBand = captionHeight == 0 ? 0 : CaptionScale * 2 + captionHeight;
        int imageHeight = _cells.Max(c => c.Image.Height);
        int cellWidth = Math.Max(_cells.Max(c => c.Image.Width), captionWidth);
        int cellHeight = imageHeight + captionBand;
        int columns = Math.Min(Columns, _cells.Count);
        int rows = (_cells.Count + Columns - 1) / Columns;
        int cellsWidth = checked(columns * cellWidth + (columns + 1) * Margin);
        int cellsHeight = checked(rows * cellHeight + (rows + 1) * Margin);
        int footerHeight = Footer is null ? 0 : Footer.Height + Margin;

        var sheet = new Image(
            Math.Max(cellsWidth, Footer is null ? 0 : Footer.Width + 2 * Margin),
            checked(cellsHeight + footerHeight),
            PixelFormat.Rgb);
        sheet.Fill(Background);
        for (int i = 0; i < _cells.Count; i++)
        {
            var (image, caption) = _cells[i];
            int left = Margin + i % Columns * (cellWidth + Margin);
            int top = Margin + i / Columns * (cellHeight + Margin);
            DrawImage(sheet, image, left + (cellWidth - image.Width) / 2, top + (imageHeight - image.Height) / 2);
            if (!string.IsNullOrEmpty(caption))
            {
                int width = BitmapFont.Measure(caption, CaptionScale).Width;
                BitmapFont.Draw(sheet, left + (cellWidth - width) / 2, top + imageHeight + CaptionScale * 2, caption, CaptionColor, CaptionScale);
            }
        }
        if (Footer is not null) DrawImage(sheet, Footer, (sheet.Width - Footer.Width) / 2, cellsHeight);
        return sheet;
    }

    private void DrawImage(Image sheet, Image image, int left, int top)
    {
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                sheet.SetPixel(left + x, top + y, image.GetPixel(x, y).Over(Background));
    }
}
