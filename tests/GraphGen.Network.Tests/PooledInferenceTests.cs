
namespace GraphGen.Network.Tests;

/// <summary>
/// Inference pools as the convolutions write (Conv2d.ForwardMaxPooled), unless an activation
/// observer is attached, which then sees every activation: both give the same output bits, and the
/// same as the eager interpreter in inference mode.
/// </summary>
public class PooledInferenceTests
{
    [Fact]
    public void ObservedInferenceStoresThePooledActivationsAndGivesTheSameBits()
    {
        const int batch = 6;
        var names = ObservedInference.AssertSameBitsAsFused(new PooledStemNet(batchCapacity: batch, seed: 3),
            GradientChecks.RandomInputs(batch * PooledStemNet.Layout.InputSize, 4, -2, 3), GradientChecks.RandomLabels(batch, 3, 5), batch);
        // The ReLU outputs the pooling reads are stored (and shown) only while observed.
        Assert.Equal(["stem2", "p1", "c2", "p2"], names.Take(4));
    }
}
