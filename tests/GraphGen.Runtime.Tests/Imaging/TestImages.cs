using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

internal static class TestImages
{
    /// <summary>
    /// The fixture formula of make_png_fixtures.py: (73x + 151y + 89c + 31xy) mod 256 for
    /// channel c. It wraps often, so every filter meets residuals of both signs.
    /// </summary>
    public static byte Pattern(int x, int y, int c) => (byte)((x * 73 + y * 151 + c * 89 + x * y * 31) % 256);

    public static Image Patterned(int width, int height, PixelFormat format)
    {
        var image = new Image(width, height, format);
        int channels = (int)format;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    image.Row(y)[x * channels + c] = Pattern(x, y, c);
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
