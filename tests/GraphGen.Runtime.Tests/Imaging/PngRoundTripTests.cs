using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class PngRoundTripTests
{
    public static TheoryData<PixelFormat, PngFilter?> FormatsAndFilters() => PngFixtureTests.FormatsAndFilters();

    [Theory]
    [MemberData(nameof(FormatsAndFilters))]
    public void NoiseSurvivesEncodeAndDecode(PixelFormat format, PngFilter? filter)
    {
        var image = TestImages.Noise(37, 23, format, seed: 11);
        TestImages.AssertSamePixels(image, PngDecoder.Decode(PngEncoder.Encode(image, filter)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(300, 1)]
    [InlineData(1, 300)]
    public void ExtremeShapesSurvive(int width, int height)
    {
        foreach (var format in Enum.GetValues<PixelFormat>())
        {
            var image = TestImages.Noise(width, height, format, seed: width + height);
            TestImages.AssertSamePixels(image, PngDecoder.Decode(PngEncoder.Encode(image)));
        }
    }

    [Fact]
    public void EncodingIsDeterministic()
    {
        var image = TestImages.Patterned(64, 48, PixelFormat.Rgba);
        Assert.Equal(PngEncoder.Encode(image), PngEncoder.Encode(TestImages.Patterned(64, 48, PixelFormat.Rgba)));
    }

    [Fact]
    public void AdaptiveFilteringCompressesASmoothImageBetterThanNone()
    {
        // A horizontal-plus-vertical ramp: Sub/Up/Paeth residuals are nearly constant.
        var image = new Image(128, 128, PixelFormat.Rgb);
        for (int y = 0; y < 128; y++)
            for (int x = 0; x < 128; x++)
                image.SetPixel(x, y, new Color((byte)(x + y), (byte)(2 * x), (byte)(3 * y)));
        Assert.True(PngEncoder.Encode(image).Length < PngEncoder.Encode(image, PngFilter.None).Length);
    }

    [Fact]
    public void SaveCreatesTheDirectoryAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        var image = TestImages.Patterned(9, 4, PixelFormat.Gray);
        string path = dir.File(Path.Combine("plots", "nested", "digit.png"));

        image.Save(path);

        TestImages.AssertSamePixels(image, PngDecoder.Load(path));
        Assert.Equal(["plots", "plots/nested", "plots/nested/digit.png"], dir.Entries());
    }

    [Fact]
    public void UndefinedFilterIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode(new Image(1, 1, PixelFormat.Gray), (PngFilter)5));
}
