using GraphGen.Eager;
using GraphGen.Examples.Digits;

namespace GraphGen.Network.Tests;

/// <summary>Bad input gets an exception that says what was wrong; it never yields silent garbage or IndexOutOfRange.</summary>
public class RobustnessTests
{
    private readonly DigitsMlp _net = new(batchCapacity: 8, seed: 1);

    [Fact]
    public void InputLengthNotAMultipleOfTheSampleSize()
    {
        var e = Assert.Throws<ArgumentException>(() => _net.Forward(new float[65], new float[10]));
        Assert.Contains("holds 65 floats, which is not a multiple of the 64 floats per sample", e.Message);
    }

    [Fact]
    public void EmptyInput()
    {
        var e = Assert.Throws<ArgumentException>(() => _net.Forward([], []));
        Assert.Contains("the input is empty", e.Message);
    }

    [Fact]
    public void BatchAboveCapacity()
    {
        var e = Assert.Throws<ArgumentException>(() => _net.Forward(new float[9 * 64], new float[9 * 10]));
        Assert.Contains("batch of 9 samples but the network was created with batch capacity 8", e.Message);
    }

    [Fact]
    public void OutputOfTheWrongSize()
    {
        var e = Assert.Throws<ArgumentException>(() => _net.Forward(new float[2 * 64], new float[10]));
        Assert.Contains("the output span holds 10 floats but a batch of 2 needs 20", e.Message);
    }

    [Fact]
    public void WrongNumberOfLabels()
    {
        var e = Assert.Throws<ArgumentException>(() => _net.ComputeLoss(new float[2 * 64], new int[3]));
        Assert.Contains("3 labels were passed for a batch of 2 samples", e.Message);
    }

    [Fact]
    public void LabelOutOfRange()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _net.ComputeLoss(new float[2 * 64], [3, 10]));
        Assert.Contains("label 1 is 10, but class indices must be in 0..9", e.Message);
    }

    [Fact]
    public void WrongNumberOfRealTargets()
    {
        var net = new RatioRegression(4, 0);
        var e = Assert.Throws<ArgumentException>(() => net.ComputeLoss(new float[2 * 3], new float[3]));
        Assert.Contains("3 targets were passed for a batch of 2 samples; expected 2", e.Message);
    }

    [Fact]
    public void NaNInputIsReportedWhenCheckingIsOn()
    {
        var x = new float[64];
        x[17] = float.NaN;
        _net.CheckFinite = true;
        var e = Assert.Throws<NonFiniteValueException>(() => _net.ComputeLoss(x, [3]));
        Assert.Contains("input[17] is NaN", e.Message);
    }

    [Fact]
    public void NaNPropagatesToTheLossWhenCheckingIsOff()
    {
        // Documented behaviour: without CheckFinite the NaN is not hidden; the loss says NaN.
        var x = new float[64];
        x[17] = float.NaN;
        Assert.True(float.IsNaN(_net.ComputeLoss(x, [3])));
    }

    [Fact]
    public void DivergedLossIsReportedWhenCheckingIsOn()
    {
        var net = new RatioRegression(1, 0) { CheckFinite = true };
        var e = Assert.Throws<NonFiniteValueException>(() => net.ComputeLoss([1e30f, 1e30f, 1e30f], [0f]));
        Assert.Contains("the loss is", e.Message);
    }

    [Fact]
    public void NonPositiveCapacity() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DigitsMlp(batchCapacity: 0));

    [Fact]
    public void SoftmaxCrossEntropyIsExactForLogitsOf1e4()
    {
        var net = new HugeLogits(batchCapacity: 4, seed: 2);
        var x = GradientChecks.RandomInputs(4 * 3, 9);
        int[] y = [0, 1, 2, 3];
        float loss = net.ComputeGradients(x, y);
        Assert.True(float.IsFinite(loss));
        Assert.All(net.Gradients.ToArray(), g => Assert.True(float.IsFinite(g)));
        var eager = new EagerModel(net, HugeLogits.Layout.Parameters, net.Parameters).ComputeGradients(x, y);
        Assert.True(eager.Loss > 1000, "logits this large make confident mistakes cost thousands of nats");
        Assert.Equal(eager.Loss, loss, eager.Loss * 1e-5);
    }

    [Fact]
    public void SameSeedSameInitialParameters()
    {
        Assert.Equal(new DigitsMlp(4, 7).Parameters.ToArray(), new DigitsMlp(64, 7).Parameters.ToArray());
        Assert.NotEqual(new DigitsMlp(4, 7).Parameters.ToArray(), new DigitsMlp(4, 8).Parameters.ToArray());
    }
}

/// <summary>A loss that ignores a padding label: the network, its dataset and the trainer agree on it.</summary>
public class IgnoredLabelTests
{
    [Fact]
    public void TheNetworkAcceptsItsIgnoredLabelAndNamesItWhenAnotherIsWrong()
    {
        var net = new TinyGru(batchCapacity: 2, seed: 1);
        Assert.Equal(-1, TinyGru.Layout.IgnoredLabel);
        Assert.Equal(-1, ((ITrainableNetwork<int>)net).IgnoredLabel);
        var x = new float[2 * TinyGru.Layout.InputSize];
        float loss = net.ComputeLoss(x, [0, 1, -1, 2, -1, -1]);
        Assert.True(float.IsFinite(loss));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeLoss(x, [0, 1, -2, 2, -1, -1]));
        Assert.Contains("label 2 is -2, but class indices must be in 0..2 (or -1, the label the loss ignores)", e.Message);
    }

    [Fact]
    public void PaddedPositionsChangeNeitherLossNorGradients()
    {
        // Whatever the logits at a padded position, nothing flows from it: the loss and the
        // gradients equal those of the same batch with the padded sample's scored labels alone.
        var net = new TinyGru(batchCapacity: 2, seed: 3);
        var x = GradientChecks.RandomInputs(2 * 6, 5);
        float full = net.ComputeGradients(x, [0, 1, 2, 2, -1, -1]);
        var gradients = net.Gradients.ToArray();
        var other = new TinyGru(batchCapacity: 2, seed: 3);
        // Changing the inputs of the last step changes only its (ignored) logits: outputs of steps 0 and 1 are causal.
        var changed = (float[])x.Clone();
        changed[10] += 3f;
        changed[11] -= 2f;
        float same = other.ComputeGradients(changed, [0, 1, 2, 2, -1, -1]);
        Assert.Equal(full, same);
        Assert.Equal(gradients, other.Gradients.ToArray());
    }

    [Fact]
    public void TheTrainerAveragesLossAndAccuracyOverScoredLabelsOnly()
    {
        var net = new TinyGru(batchCapacity: 4, seed: 2);
        var x = GradientChecks.RandomInputs(4 * 6, 9);
        int[] labels = [0, 1, 2, 2, -1, -1, 1, -1, -1, 0, 0, 0];
        var data = new GraphGen.Data.Dataset(x, [3, 2], labels, 3, labelsPerSample: 3, ignoredLabel: -1);
        Assert.Equal(-1, data.IgnoredLabel);
        Assert.Equal(-1, data.Slice(1, 2).IgnoredLabel);
        var evaluation = GraphGen.Training.Trainer<int>.Evaluate(net, data);
        float loss = net.ComputeLoss(x, labels);
        Assert.Equal(loss, evaluation.Loss, 6);
        var output = new float[4 * 9];
        net.Forward(x, output);
        int correct = GraphGen.Training.Metrics.CountCorrect(output, labels, 3, ignoredLabel: -1);
        Assert.Equal((double)correct / 8, evaluation.Accuracy, 12);

        var e = Assert.Throws<ArgumentException>(() => new GraphGen.Data.Dataset(x, [3, 2], labels, 3, labelsPerSample: 3));
        Assert.Contains("Label -1 of sample 1 is outside [0, 3).", e.Message);
    }
}
