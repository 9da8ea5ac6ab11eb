using static GraphGen.Nn;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// An MLP with layer norms: over each sample's features, and over each row of a sample seen as
/// 3 rows of 4 (so the kernel's rows are batch·3), with the input's own layer norm (whose input
/// gradient the network discards).
/// </summary>
[Network]
public partial class LayerNormMlp
{
    [Forward]
    Tensor Forward([Shape(10)] Tensor x)
    {
        var n = LayerNorm(x, "lnIn");
        var h = Relu(LayerNorm(Dense(n, 12, "in"), "ln1"));
        var rows = LayerNorm(Reshape(h, 3, 4), "lnRows");
        var g = Tanh(Dense(Flatten(rows), 8, "mid"));
        return Dense(LayerNorm(g, "ln2") + g, 4, "out");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(4)] Tensor y) => SoftmaxCrossEntropy(logits, y);
}
