namespace GraphGen.Imaging;

/// <summary>
/// An 8-bit raster image: rows from top to bottom, pixels from left to right, the channels of
/// each pixel interleaved as <see cref="Format"/> says. Small and mutable: examples draw digits,
/// saliency maps and grids of them, then save the result as PNG.
/// </summary>
public sealed partial class Image
{
    private readonly byte[] _pixels;

    /// <summary>A new image with every byte zero: black, or transparent for <see cref="PixelFormat.Rgba"/>.</summary>
    public Image(int width, int height, PixelFormat format)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (!Enum.IsDefined(format))
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format.");
        long size = (long)width * height * (int)format;
        if (size > Array.MaxLength)
            throw new ArgumentException($"A {width}×{height} {format} image needs {size} bytes, more than an array holds.");
        Width = width;
        Height = height;
        Format = format;
        _pixels = new byte[size];
    }

    /// <summary>An image over a copy of <paramref name="pixels"/>, which must hold exactly width × height × channels bytes.</summary>
    public Image(int width, int height, PixelFormat format, ReadOnlySpan<byte> pixels)
        : this(width, height, format)
    {
        if (pixels.Length != _pixels.Length)
            throw new ArgumentException(
                $"A {width}×{height} {format} image has {_pixels.Length} bytes, but {pixels.Length} were given.", nameof(pixels));
        pixels.CopyTo(_pixels);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>How each pixel's channels are stored: gray, RGB or RGBA.</summary>
    public PixelFormat Format { get; }

    /// <summary>Bytes per pixel: 1, 3 or 4.</summary>
    public int Channels => (int)Format;

    /// <summary>Every pixel, row after row, with no padding between rows.</summary>
    public Span<byte> Pixels => _pixels;

    /// <summary>The bytes of row <paramref name="y"/> (0 is the top).</summary>
    public Span<byte> Row(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        int stride = Width * Channels;
        return _pixels.AsSpan(y * stride, stride);
    }

    /// <summary>The pixel at column <paramref name="x"/>, row <paramref name="y"/>; gray reads as R = G = B, and alpha is 255 unless the image has it.</summary>
    public Color GetPixel(int x, int y)
    {
        int i = Offset(x, y);
        return Format switch
        {
            PixelFormat.Gray => Color.Gray(_pixels[i]),
            PixelFormat.Rgb => new Color(_pixels[i], _pixels[i + 1], _pixels[i + 2]),
            _ => new Color(_pixels[i], _pixels[i + 1], _pixels[i + 2], _pixels[i + 3]),
        };
    }

    /// <summary>
    /// Replaces the pixel at (<paramref name="x"/>, <paramref name="y"/>); no blending. A gray
    /// image stores the colour's <see cref="Color.Luma"/>; gray and RGB images drop alpha.
    /// </summary>
    public void SetPixel(int x, int y, Color color)
    {
        int i = Offset(x, y);
        switch (Format)
        {
            case PixelFormat.Gray:
                _pixels[i] = color.Luma;
                break;
            case PixelFormat.Rgb:
                (_pixels[i], _pixels[i + 1], _pixels[i + 2]) = (color.R, color.G, color.B);
                break;
            default:
                (_pixels[i], _pixels[i + 1], _pixels[i + 2], _pixels[i + 3]) = (color.R, color.G, color.B, color.A);
                break;
        }
    }

    /// <summary>Sets every pixel of the rectangle to <paramref name="color"/>; the parts outside the image are skipped.</summary>
    public void FillRectangle(int x, int y, int width, int height, Color color)
    {
        int left = Math.Max(x, 0), top = Math.Max(y, 0);
        int right = (int)Math.Min((long)x + width, Width), bottom = (int)Math.Min((long)y + height, Height);
        for (int row = top; row < bottom; row++)
            for (int column = left; column < right; column++)
                SetPixel(column, row, color);
    }

    /// <summary>Sets every pixel to <paramref name="color"/>.</summary>
    public void Fill(Color color) => FillRectangle(0, 0, Width, Height, color);

    /// <summary>
    /// Enlarges by a whole <paramref name="factor"/> with nearest-neighbour sampling: each pixel
    /// becomes a factor × factor block, so an 8×8 digit stays crisp instead of being blurred.
    /// </summary>
    public Image Scale(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        var scaled = new Image(checked(Width * factor), checked(Height * factor), Format);
        int channels = Channels;
        for (int y = 0; y < scaled.Height; y++)
        {
            ReadOnlySpan<byte> source = Row(y / factor);
            Span<byte> target = scaled.Row(y);
            for (int x = 0; x < scaled.Width; x++)
                source.Slice(x / factor * channels, channels).CopyTo(target.Slice(x * channels, channels));
        }
        return scaled;
    }

    /// <summary>A copy in <paramref name="format"/>: colour to gray by luma, gray to colour by repetition, alpha dropped or set opaque.</summary>
    public Image ConvertTo(PixelFormat format)
    {
        var converted = new Image(Width, Height, format);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                converted.SetPixel(x, y, GetPixel(x, y));
        return converted;
    }

    /// <summary>Writes the image as a PNG file (see <see cref="PngEncoder"/>), creating the directory if needed.</summary>
    public void Save(string path) => PngEncoder.Save(path, this);

    private int Offset(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(
                x < 0 || x >= Width ? nameof(x) : nameof(y), $"({x}, {y}) is outside the {Width}×{Height} image.");
        return (y * Width + x) * Channels;
    }
}
