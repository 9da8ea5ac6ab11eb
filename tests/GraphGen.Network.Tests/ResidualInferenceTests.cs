
namespace GraphGen.Network.Tests;

/// <summary>
/// Inference adds each residual block's skip as its last convolution writes
/// (Conv2d.ForwardResidual), unless an activation observer is attached, which then sees the
/// convolution's output and the sum: both give the same output bits, the same as the eager
/// interpreter in inference mode, and training (which keeps the steps) still matches the eager
/// interpreter.
/// </summary>
public class ResidualInferenceTests
{
    [Fact]
    public void ObservedInferenceStoresTheSumsAndGivesTheSameBits()
    {
        const int batch = 5;
        var names = ObservedInference.AssertSameBitsAsFused(new ResidualBlockNet(batchCapacity: batch, seed: 8),
            GradientChecks.RandomInputs(batch * ResidualBlockNet.Layout.InputSize, 9, -2, 3), GradientChecks.RandomLabels(batch, 3, 10), batch);
        // The block's last convolution (BatchNorm folded) and its sum with the skip are stored (and
        // shown) only while observed.
        Assert.Contains("f", names);
        Assert.Contains(names, name => name.StartsWith("add"));   // the block's sum, before its ReLU
    }

    [Fact]
    public void TrainingStillMatchesTheEagerInterpreter()
    {
        const int batch = 3;
        var net = new ResidualBlockNet(batchCapacity: batch, seed: 11);
        GradientChecks.AssertMatchesEager(net, GradientChecks.RandomInputs(batch * ResidualBlockNet.Layout.InputSize, 12), GradientChecks.RandomLabels(batch, 3, 13));
    }
}
