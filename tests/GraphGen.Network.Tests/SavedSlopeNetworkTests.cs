using static GraphGen.Nn;

namespace GraphGen.Network.Tests;

/// <summary>
/// Dense layers followed by GELU, SiLU and softplus: in training each GEMM saves its activation's
/// slope and the backward pass multiplies by it (the pre-activations are never stored). The
/// gradients match the eager interpreter, which evaluates f′ from the pre-activation itself, and
/// finite differences; inference without an observer (f in the epilogue) has the bits of inference
/// with one (the GEMM, then the activation pass); the transformer block does the same.
/// </summary>
public class SavedSlopeNetworkTests
{
    private const int Batch = 4;

    [Fact]
    public void GradientsThroughSavedSlopesMatchTheEagerInterpreterAndFiniteDifferences()
    {
        var net = new SlopeNet(Batch, seed: 21);
        // Inputs wide enough that each activation's slope varies (GELU′ rises above 1, softplus′ nears 0 and 1).
        var x = GradientChecks.RandomInputs(Batch * SlopeNet.Layout.InputSize, 22, -3f, 3f);
        var labels = GradientChecks.RandomLabels(Batch, 3, 23);
        GradientChecks.AssertMatchesEager(net, x, labels, seed: 21);
        GradientChecks.AssertCompiledMatchesFiniteDifferences(net, x, labels);
    }

    [Fact]
    public void InferenceHasTheObservedBits()
    {
        var net = new SlopeNet(Batch, seed: 24);
        var names = ObservedInference.AssertSameBitsAsFused(net, GradientChecks.RandomInputs(Batch * SlopeNet.Layout.InputSize, 25, -3f, 3f),
            GradientChecks.RandomLabels(Batch, 3, 26), Batch);
        // The observer still sees each pre-activation ("c" is c_ in generated code: the loops' column variable).
        Assert.Contains("a", names);
        Assert.Contains("b", names);
        Assert.Contains("c_", names);
    }

    [Fact]
    public void TheTransformerBlocksInferenceHasTheObservedBits()
    {
        var net = new TinyTransformer(Batch, 27);
        var ids = GradientChecks.RandomLabels(Batch * ((INetwork)net).InputSize, 7, 28).Select(i => (float)i).ToArray();
        ObservedInference.AssertSameBitsAsFused(net, ids, GradientChecks.RandomLabels(Batch * net.TargetSize, 7, 29), Batch);
    }
}

[Network]
public partial class SlopeNet
{
    [Forward]
    Tensor Forward([Shape(6)] Tensor x)
    {
        var h = Gelu(Dense(x, 12, "a"));
        h = Silu(Dense(h, 12, "b"));
        h = Softplus(Dense(h, 12, "c"));
        return Dense(h, 3, "head");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(3)] Tensor labels) => SoftmaxCrossEntropy(logits, labels);
}
