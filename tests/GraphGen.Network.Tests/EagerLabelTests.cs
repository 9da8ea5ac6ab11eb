using GraphGen.Eager;
using GraphGen.Examples.Digits;

namespace GraphGen.Network.Tests;

/// <summary>
/// The eager interpreter refuses a label that is not a class index, as the compiled network
/// does, instead of reading the logits of another row (or past the end) and returning a loss
/// that is wrong without a word.
/// </summary>
public class EagerLabelTests
{
    private static EagerModel Digits(out float[] x)
    {
        var net = new DigitsMlp(batchCapacity: 4, seed: 1);
        x = GradientChecks.RandomInputs(2 * 64, 3);
        return new EagerModel(net, DigitsMlp.Layout.Parameters, net.Parameters);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void LabelOutsideTheClassesNamesTheLabelItsPositionAndTheClassCount(int label)
    {
        var model = Digits(out var x);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients(x, [3, label]));

        Assert.Contains($"SoftmaxCrossEntropy: label 1 is {label}, but the logits have 10 classes, so a label must be a class index in 0..9.", e.Message);
    }

    [Fact]
    public void FractionalLabelIsRefused()
    {
        var model = Digits(out var x);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients(x, [2.5, 1.0]));

        Assert.Contains("label 0 is 2.5", e.Message);
    }

    [Fact]
    public void EveryLabelInRangeStillGivesTheCompiledLoss()
    {
        var net = new DigitsMlp(batchCapacity: 10, seed: 2);
        var x = GradientChecks.RandomInputs(10 * 64, 4);
        int[] y = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        GradientChecks.AssertMatchesEager(net, x, y);
    }

    [Fact]
    public void TheIgnoredLabelIsAcceptedAndNamedWhenAnotherIsWrong()
    {
        var net = new TinyGru(batchCapacity: 2, seed: 1);
        var model = new EagerModel(net, TinyGru.Layout.Parameters, net.Parameters);
        var x = new float[2 * TinyGru.Layout.InputSize];

        Assert.True(double.IsFinite(model.ComputeGradients(x, [0, 1, -1, 2, -1, -1]).Loss));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients(x, [0, 1, -1, 3, -1, -1]));
        Assert.Contains("label 3 is 3, but the logits have 3 classes, so a label must be a class index in 0..2 (or -1, the label the loss ignores).", e.Message);
    }
}
