namespace GraphGen.Inspection.Tests;

public class ActivationRecorderTests
{
    [Fact]
    public void KeepsTheChosenSampleOfEveryStoredActivationInOrder()
    {
        var net = new TinyClassifier(batchCapacity: 4, seed: 3);
        var x = TestData.Uniform(3 * 6, 11);
        var recorder = new ActivationRecorder(sample: 1);
        var output = new float[3 * 3];
        net.Forward(x, output, recorder);

        Assert.Equal(TinyClassifier.Layout.Activations.Select(t => t.Name), recorder.Activations.Select(a => a.Tensor.Name));
        // The last stored activation is the output, row 1.
        Assert.Equal(output.AsSpan(3, 3).ToArray(), recorder.Activations[^1].Values);

        // The same sample alone gives the same activations.
        var alone = new ActivationRecorder();
        net.Forward(x.AsSpan(6, 6), new float[3], alone);
        for (int i = 0; i < alone.Activations.Count; i++)
            Assert.Equal(alone.Activations[i].Values, recorder.Activations[i].Values, (a, b) => Math.Abs(a - b) <= 1e-6f);
    }

    [Fact]
    public void ASecondForwardPassOverwritesTheCopiesInPlace()
    {
        var net = new TinyClassifier(batchCapacity: 4, seed: 3);
        var recorder = new ActivationRecorder();
        net.Forward(TestData.Uniform(6, 1), new float[3], recorder);
        var first = recorder.Activations.Select(a => a.Values).ToArray();
        var firstValues = first.Select(v => v.ToArray()).ToArray();
        net.Forward(TestData.Uniform(6, 2), new float[3], recorder);
        Assert.Equal(first.Length, recorder.Activations.Count);
        for (int i = 0; i < first.Length; i++)
        {
            Assert.Same(first[i], recorder.Activations[i].Values);
            Assert.NotEqual(firstValues[i], recorder.Activations[i].Values);
        }
        Assert.Same(recorder.Activations[0], recorder["h"]);
        Assert.Throws<KeyNotFoundException>(() => recorder["nothing"]);
    }

    [Fact]
    public void ASampleOutsideTheBatchIsAnError()
    {
        var net = new TinyClassifier(batchCapacity: 4, seed: 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Forward(TestData.Uniform(2 * 6, 1), new float[6], new ActivationRecorder(sample: 2)));
    }

    [Theory]
    [InlineData(32, 4, 8)]
    [InlineData(64, 8, 8)]
    [InlineData(10, 2, 5)]
    [InlineData(13, 1, 13)]
    [InlineData(1, 1, 1)]
    public void UnitsAreLaidOutNearlySquare(int units, int rows, int columns) => Assert.Equal((rows, columns), ActivationImages.GridFor(units));

    [Fact]
    public void HeatmapImagesHaveOneCellPerValue()
    {
        var values = TestData.Uniform(32, 5);
        var vector = ActivationImages.Heatmap(values, [32], cellSize: 3);
        Assert.Equal((24, 12), (vector.Width, vector.Height));
        var channels = ActivationImages.Heatmap(TestData.Uniform(2 * 3 * 4, 5), [2, 3, 4], cellSize: 1);
        Assert.Equal((2 * 4 + 1, 3), (channels.Width, channels.Height));   // two 4-wide maps, one column apart
        var png = Imaging.PngEncoder.Encode(vector);
        var decoded = Imaging.PngDecoder.Decode(png);
        Assert.Equal(vector.Pixels.ToArray(), decoded.Pixels.ToArray());
    }
}
