using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

internal static class TestImages
{
    /// <summary>
    /// The fixture formula of make_png_fixtures.py: (73x + 151y + 89c + 31xy) mod 256 for
    /// channel c. It wraps often, so every filter meets residuals of both signs.
    /// </summary>
    public static byte Pattern(int x, int y, int c) => (byte)((x * 73 + y * 151 + c * 89 + x * y * 31) % 256);

    /// <summary>
    /// make_png_fixtures.py's noise-like pattern: an integer hash of (x, y, c) (multiply,
    /// xor-shift, multiply), so every filter and every tie of the Paeth predictor occurs.
    /// </summary>
    public static byte Hashed(int x, int y, int c)
    {
        uint h = unchecked((uint)x * 374761393u + (uint)y * 668265263u + (uint)c * 2147483647u);
        h = unchecked((h ^ (h >> 13)) * 1274126177u);
        return (byte)(h ^ (h >> 16));
    }

    public static Image Patterned(int width, int height, PixelFormat format) => Painted(width, height, format, Pattern);

    public static Image Painted(int width, int height, PixelFormat format, Func<int, int, int, byte> pattern)
    {
        var image = new Image(width, height, format);
        int channels = (int)format;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    image.Row(y)[x * channels + c] = pattern(x, y, c);
        return image;
    }

    /// <summary>Pseudo-random bytes from a fixed seed: noise defeats every filter, which tests the worst case.</summary>
    public static Image Noise(int width, int height, PixelFormat format, int seed)
    {
        var image = new Image(width, height, format);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }

    public static void AssertSamePixels(Image expected, Image actual)
    {
        Assert.Equal(expected.Format, actual.Format);
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        Assert.True(expected.Pixels.SequenceEqual(actual.Pixels), "the pixels differ");
    }
}
