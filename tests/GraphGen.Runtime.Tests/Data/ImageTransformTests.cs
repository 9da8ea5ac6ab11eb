using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

public class ImageTransformTests
{
    private static readonly ImageLayout Square3 = new(1, 3, 3);

    // 1 2 3
    // 4 5 6
    // 7 8 9
    private static readonly float[] Ramp3 = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    private static float[] Run(Action<float[], float[]> transform, float[] source)
    {
        var destination = new float[source.Length];
        transform(source, destination);
        return destination;
    }

    [Fact]
    public void ShiftMovesRightAndDownAndFillsTheUncoveredEdge()
    {
        var shifted = Run((s, d) => ImageTransforms.Shift(s, d, Square3, dx: 1, dy: 1, fill: -1), Ramp3);
        Assert.Equal([-1, -1, -1, -1, 1, 2, -1, 4, 5], shifted);
        var back = Run((s, d) => ImageTransforms.Shift(s, d, Square3, dx: -2, dy: 0), Ramp3);
        Assert.Equal([3, 0, 0, 6, 0, 0, 9, 0, 0], back);
    }

    [Fact]
    public void ShiftActsOnEveryChannel()
    {
        var layout = new ImageLayout(2, 1, 3);
        var shifted = Run((s, d) => ImageTransforms.Shift(s, d, layout, dx: 1, dy: 0), [1, 2, 3, 10, 20, 30]);
        Assert.Equal([0, 1, 2, 0, 10, 20], shifted);
    }

    [Fact]
    public void RotationByZeroIsTheIdentityAndByNinetyDegreesTurnsCounterClockwise()
    {
        Assert.Equal(Ramp3, Run((s, d) => ImageTransforms.Rotate(s, d, Square3, 0), Ramp3));
        // Turned a quarter counter-clockwise, the right column becomes the top row.
        var turned = Run((s, d) => ImageTransforms.Rotate(s, d, Square3, 90), Ramp3);
        float[] expected = [3, 6, 9, 2, 5, 8, 1, 4, 7];
        for (int i = 0; i < 9; i++) Assert.Equal(expected[i], turned[i], 1e-5f);
        // A full turn comes back.
        var full = Run((s, d) => ImageTransforms.Rotate(s, d, Square3, 360), Ramp3);
        for (int i = 0; i < 9; i++) Assert.Equal(Ramp3[i], full[i], 1e-5f);
    }

    [Fact]
    public void SmallRotationInterpolatesBetweenNeighboursAndFillsTheCorners()
    {
        var layout = new ImageLayout(1, 5, 5);
        var image = new float[25];
        Array.Fill(image, 1f);
        var turned = Run((s, d) => ImageTransforms.Rotate(s, d, layout, 30, fill: 0), image);
        Assert.Equal(1f, turned[12]);                         // the centre stays
        Assert.InRange(turned[0], 0f, 0.999f);                // a corner turns in from outside
        Assert.All(turned, v => Assert.InRange(v, 0f, 1f));   // bilinear weights are convex
    }

    [Fact]
    public void CropOfTheWholeImageIsTheIdentityAndACropZoomsIn()
    {
        Assert.Equal(Ramp3, Run((s, d) => ImageTransforms.CropAndResize(s, d, Square3, 0, 0, 3, 3), Ramp3));
        // The top-left 2×2 of a 4×4 image stretched to 4×4: pixel centres map to 0.25 + 0.5·x − 0.5 … clamped.
        var layout = new ImageLayout(1, 4, 4);
        float[] image = [0, 4, 0, 0, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var zoomed = Run((s, d) => ImageTransforms.CropAndResize(s, d, layout, 0, 0, 2, 2), image);
        // Source x for destination x: clamp(0.5·x − 0.25, 0, 1) = 0, 0.25, 0.75, 1 (same for y).
        Assert.Equal(0f, zoomed[0]);
        Assert.Equal(1f, zoomed[1]);          // between 0 and 4 at 0.25
        Assert.Equal(4f, zoomed[3]);
        Assert.Equal(12f, zoomed[15]);
        Assert.Equal(8f, zoomed[12]);
        Assert.Equal(0.75f * 0.75f * 12 + 0.25f * 0.75f * 8 + 0.75f * 0.25f * 4, zoomed[10], 1e-5f);
    }

    [Fact]
    public void TransformsRejectWrongSizesOverlapAndCropsOutside()
    {
        var image = new float[9];
        Assert.Throws<ArgumentException>(() => ImageTransforms.Shift(image, new float[8], Square3, 1, 0));
        Assert.Throws<ArgumentException>(() => ImageTransforms.Rotate(image, image, Square3, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageTransforms.CropAndResize(image, new float[9], Square3, 2, 0, 2, 2));
    }

    [Theory]
    [InlineData(new[] { 64 }, 1, 8, 8)]
    [InlineData(new[] { 28, 28 }, 1, 28, 28)]
    [InlineData(new[] { 3, 4, 5 }, 3, 4, 5)]
    public void LayoutIsReadFromTheFeatureShape(int[] shape, int channels, int height, int width) =>
        Assert.Equal(new ImageLayout(channels, height, width), ImageLayout.Of(shape));

    [Fact]
    public void NonSquareFlatShapeNeedsAnExplicitLayout()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageLayout.Of([30]));
        Assert.Contains("layout explicitly", e.Message);
    }
}
