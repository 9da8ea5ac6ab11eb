extern alias lenet;

using GraphGen.Imaging;
using lenet::GraphGen.Examples.LeNet;

namespace GraphGen.Inspection.Tests.Course;

public class ConvolutionPictureTests
{
    private static float[] Image()
    {
        var image = new float[784];
        for (int y = 4; y < 24; y++) image[y * 28 + 14] = 1;   // a vertical stroke
        for (int x = 6; x < 22; x++) image[6 * 28 + x] = 0.8f;  // and a horizontal one
        return image;
    }

    [Fact]
    public void FeatureMapValuesAreReluOfTheFilterOverThePaddedImage()
    {
        var network = new LeNet5(batchCapacity: 1, seed: 3);
        var recorder = new ActivationRecorder();
        var image = Image();
        network.Forward(image, new float[10], recorder);
        var c1 = recorder["c1"].Values;
        var w = network.ParameterTable.Slice(network.Parameters, "conv1.weight");
        var b = network.ParameterTable.Slice(network.Parameters, "conv1.bias");
        // c1[k, i, j] = max(0, b[k] + Σ_u,v image[i − 2 + u, j − 2 + v] · W[k, 0, u, v]), zero outside the image.
        foreach (var (k, i, j) in new[] { (0, 6, 14), (2, 10, 13), (5, 0, 0), (3, 27, 20), (4, 6, 8) })
        {
            double sum = b[k];
            for (int u = 0; u < 5; u++)
                for (int v = 0; v < 5; v++)
                {
                    int y = i - 2 + u, x = j - 2 + v;
                    if (y >= 0 && y < 28 && x >= 0 && x < 28) sum += image[y * 28 + x] * w[k * 25 + u * 5 + v];
                }
            Assert.Equal(Math.Max(0, sum), c1[k * 784 + i * 28 + j], 1e-5);
        }
    }

    [Fact]
    public void FilterSheetShowsEachWeightInItsColour()
    {
        var network = new LeNet5(batchCapacity: 1, seed: 3);
        var sheet = LeNetPictures.Filters(network, scale: 16);
        var w = network.ParameterTable.Slice(network.Parameters, "conv1.weight");
        double limit = ValueRange.SymmetricAboutZero(w).Max;
        // Six 80-pixel filters in a row, margins of 6: filter 0's top-left weight is at (6, 6).
        Assert.True(sheet.Width >= 6 * 80 + 7 * 6);
        Assert.Equal(ColorMap.BlueWhiteRed.Map((w[0] + limit) / (2 * limit)), sheet.GetPixel(6 + 8, 6 + 8));
        Assert.Equal(ColorMap.BlueWhiteRed.Map((w[4] + limit) / (2 * limit)), sheet.GetPixel(6 + 4 * 16 + 8, 6 + 8));
        string dir = TestData.TemporaryDirectory();
        try
        {
            var paths = LeNetPictures.Save(network, new GraphGen.Data.Dataset(Image(), [1, 28, 28], [7], 10), 0, dir);
            foreach (string path in paths) TestData.AssertPng(path);
            var maps = TestData.AssertPng(paths[1]);
            Assert.True(maps.Height > 3 * 80, "a row of c1 maps and two rows of c3 maps");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
