using GraphGen.Data;
using GraphGen.Imaging;
using GraphGen.Inspection;

namespace GraphGen.Examples.LeNet;

/// <summary>What the convolutions learned, as pictures: the first layer's filters, and the feature maps of one image.</summary>
public static class LeNetPictures
{
    /// <summary>
    /// The six 5×5 filters of conv1 (weights, red positive, blue negative, white zero, on one scale
    /// symmetric about zero so the filters compare), with the colour key below.
    /// </summary>
    public static Image Filters(LeNet5 network, int scale = 16)
    {
        var weights = network.ParameterTable.Slice(network.Parameters, "conv1.weight");
        double limit = Math.Max(ValueRange.SymmetricAboutZero(weights).Max, 1e-6);
        var key = ColorKey.Horizontal(ColorMap.BlueWhiteRed, -limit, limit, barWidth: 200, title: "conv1 weight");
        var grid = new ImageGrid(columns: 6) { Margin = 6, Footer = key };
        for (int k = 0; k < 6; k++)
            grid.Add(Image.FromValues(weights.Slice(k * 25, 25), 5, 5, ColorMap.BlueWhiteRed, -limit, limit).Scale(scale), $"{k}");
        return grid.Render();
    }

    /// <summary>
    /// One test image through the convolutions: the input, then the 6 maps of c1 = ReLU(conv1) (28×28),
    /// then the 16 maps of c3 = ReLU(conv2) (10×10), each map on the viridis scale of its own layer
    /// (dark is 0, yellow the layer's largest value for this image).
    /// </summary>
    public static Image FeatureMaps(LeNet5 network, ReadOnlySpan<float> image, int label)
    {
        var recorder = new ActivationRecorder();
        var logits = new float[10];
        network.Forward(image, logits, recorder);
        // Nine columns: a row label, then eight pictures (the first row: the input and c1's six maps).
        var grid = new ImageGrid(columns: 9) { Margin = 4 };
        grid.Add(BitmapFont.Render("c1:"));
        grid.Add(Image.FromGray(image, 28, 28, 0, 1).Scale(3), $"input {label}");
        AddMaps(grid, recorder["c1"].Values, planes: 6, side: 28, scale: 3, "c1");
        grid.Add(BitmapFont.Render(" "));
        var c3 = recorder["c3"].Values;
        double max = Math.Max(ValueRange.Of(c3).Max, 1e-6);
        for (int p = 0; p < 16; p++)
        {
            if (p % 8 == 0) grid.Add(BitmapFont.Render(p == 0 ? "c3:" : " "));
            grid.Add(Image.FromValues(c3.AsSpan(p * 100, 100), 10, 10, ColorMap.Viridis, 0, max).Scale(8), $"c3[{p}]");
        }
        return grid.Render();
    }

    private static void AddMaps(ImageGrid grid, float[] maps, int planes, int side, int scale, string name)
    {
        double max = Math.Max(ValueRange.Of(maps).Max, 1e-6);
        for (int p = 0; p < planes; p++)
            grid.Add(Image.FromValues(maps.AsSpan(p * side * side, side * side), side, side, ColorMap.Viridis, 0, max).Scale(scale), $"{name}[{p}]");
    }

    /// <summary>Writes filters.png and feature-maps.png (test image <paramref name="index"/>) into <paramref name="directory"/>; returns the paths.</summary>
    public static string[] Save(LeNet5 network, Dataset test, int index, string directory)
    {
        string filters = Path.Combine(directory, "conv1-filters.png");
        Filters(network).Save(filters);
        string maps = Path.Combine(directory, "feature-maps.png");
        FeatureMaps(network, test.FeaturesOf(index), test.LabelOf(index)).Save(maps);
        return [filters, maps];
    }
}
