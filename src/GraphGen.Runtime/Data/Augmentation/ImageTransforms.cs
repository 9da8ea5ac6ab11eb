namespace GraphGen.Data;

/// <summary>
/// The geometric transforms of image augmentation, without randomness: each reads a whole
/// image in <see cref="ImageLayout"/> order and writes the transformed image to a separate
/// destination, plane by plane. Pixels that come from outside the source take
/// <c>fill</c> (0: the black background of the digits). The random augmentations
/// (<see cref="RandomShift"/>, <see cref="RandomRotation"/>, <see cref="RandomCrop"/>) draw the
/// parameters and call these.
/// </summary>
public static class ImageTransforms
{
    /// <summary>
    /// Moves the picture <paramref name="dx"/> pixels right and <paramref name="dy"/> down:
    /// destination[y, x] = source[y − dy, x − dx], or <paramref name="fill"/> where that is outside.
    /// </summary>
    public static void Shift(ReadOnlySpan<float> source, Span<float> destination, ImageLayout layout, int dx, int dy, float fill = 0)
    {
        Check(source, destination, layout);
        for (int c = 0; c < layout.Channels; c++)
        {
            var from = source.Slice(c * layout.PlaneSize, layout.PlaneSize);
            var to = destination.Slice(c * layout.PlaneSize, layout.PlaneSize);
            for (int y = 0; y < layout.Height; y++)
                for (int x = 0; x < layout.Width; x++)
                {
                    int sx = x - dx, sy = y - dy;
                    to[y * layout.Width + x] = (uint)sx < (uint)layout.Width && (uint)sy < (uint)layout.Height ? from[sy * layout.Width + sx] : fill;
                }
        }
    }

    /// <summary>
    /// Turns the picture by <paramref name="degrees"/> counter-clockwise (as seen with row 0 at the
    /// top) about its centre, sampling the source bilinearly: destination pixel p takes the source
    /// at R(−θ)·(p − c) + c, with c = ((W − 1)/2, (H − 1)/2).
    /// </summary>
    public static void Rotate(ReadOnlySpan<float> source, Span<float> destination, ImageLayout layout, double degrees, float fill = 0)
    {
        Check(source, destination, layout);
        double radians = degrees * Math.PI / 180;
        double cos = Math.Cos(radians), sin = Math.Sin(radians);
        double cx = (layout.Width - 1) / 2.0, cy = (layout.Height - 1) / 2.0;
        for (int c = 0; c < layout.Channels; c++)
        {
            var from = source.Slice(c * layout.PlaneSize, layout.PlaneSize);
            var to = destination.Slice(c * layout.PlaneSize, layout.PlaneSize);
            for (int y = 0; y < layout.Height; y++)
                for (int x = 0; x < layout.Width; x++)
                {
                    // With y pointing down, a counter-clockwise turn on screen is clockwise in (x, y):
                    // the inverse map turns the destination point back by the same angle.
                    double u = x - cx, v = y - cy;
                    double sx = cos * u - sin * v + cx, sy = sin * u + cos * v + cy;
                    to[y * layout.Width + x] = Bilinear(from, layout, sx, sy, fill);
                }
        }
    }

    /// <summary>
    /// Cuts the window of <paramref name="cropWidth"/> × <paramref name="cropHeight"/> pixels whose
    /// top-left corner is (<paramref name="left"/>, <paramref name="top"/>) and stretches it back to the
    /// full size, bilinearly (a zoom into part of the picture). Destination pixel (x, y) samples the
    /// source at (left + (x + ½)·cropWidth/W − ½, top + (y + ½)·cropHeight/H − ½), pixel centres to pixel centres.
    /// </summary>
    public static void CropAndResize(ReadOnlySpan<float> source, Span<float> destination, ImageLayout layout, int left, int top, int cropWidth, int cropHeight)
    {
        Check(source, destination, layout);
        if (cropWidth < 1 || cropHeight < 1 || left < 0 || top < 0 || left + cropWidth > layout.Width || top + cropHeight > layout.Height)
            throw new ArgumentOutOfRangeException(nameof(cropWidth),
                $"The crop {cropWidth}×{cropHeight} at ({left}, {top}) does not lie inside the {layout.Width}×{layout.Height} image.");
        double scaleX = (double)cropWidth / layout.Width, scaleY = (double)cropHeight / layout.Height;
        for (int c = 0; c < layout.Channels; c++)
        {
            var from = source.Slice(c * layout.PlaneSize, layout.PlaneSize);
            var to = destination.Slice(c * layout.PlaneSize, layout.PlaneSize);
            for (int y = 0; y < layout.Height; y++)
                for (int x = 0; x < layout.Width; x++)
                {
                    // Clamped to the window, so the edges repeat instead of pulling in the fill.
                    double sx = Math.Clamp(left + (x + 0.5) * scaleX - 0.5, left, left + cropWidth - 1);
                    double sy = Math.Clamp(top + (y + 0.5) * scaleY - 0.5, top, top + cropHeight - 1);
                    to[y * layout.Width + x] = Bilinear(from, layout, sx, sy, 0);
                }
        }
    }

    /// <summary>The plane's value at (x, y) between pixel centres, weighting the four nearest pixels; outside pixels count as <paramref name="fill"/>.</summary>
    internal static float Bilinear(ReadOnlySpan<float> plane, ImageLayout layout, double x, double y, float fill)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        double fx = x - x0, fy = y - y0;
        double top = Lerp(Pixel(plane, layout, x0, y0, fill), Pixel(plane, layout, x0 + 1, y0, fill), fx);
        double bottom = Lerp(Pixel(plane, layout, x0, y0 + 1, fill), Pixel(plane, layout, x0 + 1, y0 + 1, fill), fx);
        return (float)Lerp(top, bottom, fy);
    }

    private static double Lerp(double a, double b, double t) => t == 0 ? a : a + (b - a) * t;

    private static float Pixel(ReadOnlySpan<float> plane, ImageLayout layout, int x, int y, float fill) =>
        (uint)x < (uint)layout.Width && (uint)y < (uint)layout.Height ? plane[y * layout.Width + x] : fill;

    private static void Check(ReadOnlySpan<float> source, Span<float> destination, ImageLayout layout)
    {
        if (source.Length != layout.Size)
            throw new ArgumentException($"The source holds {source.Length} floats, not one {layout} image ({layout.Size}).", nameof(source));
        if (destination.Length != layout.Size)
            throw new ArgumentException($"The destination holds {destination.Length} floats, not one {layout} image ({layout.Size}).", nameof(destination));
        if (source.Overlaps(destination))
            throw new ArgumentException("The destination overlaps the source; transforms read the whole source while writing, so pass a separate buffer.", nameof(destination));
    }
}
