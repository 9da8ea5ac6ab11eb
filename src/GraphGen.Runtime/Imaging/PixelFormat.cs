namespace GraphGen.Imaging;

/// <summary>
/// How the bytes of one pixel are laid out. Each value equals the number of 8-bit channels,
/// so <c>(int)format</c> is the bytes per pixel.
/// </summary>
public enum PixelFormat
{
    /// <summary>One byte: luminance, 0 black to 255 white.</summary>
    Gray = 1,

    /// <summary>Three bytes: red, green, blue.</summary>
    Rgb = 3,

    /// <summary>Four bytes: red, green, blue and alpha (0 transparent, 255 opaque), not premultiplied.</summary>
    Rgba = 4,
}
