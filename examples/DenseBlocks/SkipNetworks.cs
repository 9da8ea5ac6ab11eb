using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.DenseBlocks;

/// <summary>
/// Three networks of the same depth and the same layers for the 8×8 digits: a stem, eight
/// sigmoid layers of 16 units and a classifier. They differ only in what feeds each layer.
/// </summary>
public static class Depth
{
    /// <summary>Hidden layers after the stem.</summary>
    public const int Layers = 8;

    /// <summary>Units of the stem and of every hidden layer (a dense block's growth rate).</summary>
    public const int Width = 16;
}

/// <summary>No skips: each layer sees only the one before it, h ← σ(Dense(h)).</summary>
[Network]
public partial class PlainMlp
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels)
    {
        var h = Sigmoid(Dense(pixels, Depth.Width, "stem"));
        for (int i = 0; i < Depth.Layers; i++)
            h = Sigmoid(Dense(h, Depth.Width, $"layer{i}"));
        return Dense(h, 10, "output");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>Residual connections (He et al., 2016): each layer's output is added to its input, h ← h + σ(Dense(h)).</summary>
[Network]
public partial class ResidualMlp
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels)
    {
        var h = Sigmoid(Dense(pixels, Depth.Width, "stem"));
        for (int i = 0; i < Depth.Layers; i++)
            h = h + Sigmoid(Dense(h, Depth.Width, $"layer{i}"));
        return Dense(h, 10, "output");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>
/// A dense block (Huang et al., 2017): each layer is fed the concatenation of the stem and of
/// every earlier layer's output, and adds its own 16 features to it; the classifier sees them all.
/// </summary>
[Network]
public partial class DenseBlockMlp
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels)
    {
        var features = Sigmoid(Dense(pixels, Depth.Width, "stem"));
        for (int i = 0; i < Depth.Layers; i++)
            features = Concat(features, Sigmoid(Dense(features, Depth.Width, $"layer{i}")));   // 16·(i + 2) features
        return Dense(features, 10, "output");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
