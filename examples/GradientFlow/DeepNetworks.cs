using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.GradientFlow;

/// <summary>Sizes shared by the three deep networks, so that their layers line up name by name.</summary>
public static class Depth
{
    /// <summary>Hidden layers: layer0 … layer11, then the output layer.</summary>
    public const int Layers = 12;
    public const int Width = 32;
}

/// <summary>
/// Twelve sigmoid layers, the textbook way to make gradients vanish: σ′ is at most 1/4, so
/// every layer the gradient passes on its way back to the input shrinks it again.
/// </summary>
[Network]
public partial class DeepSigmoidMlp
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor x)
    {
        var h = Sigmoid(Dense(x, Depth.Width, "layer0"));
        for (int i = 1; i < Depth.Layers; i++)
            h = Sigmoid(Dense(h, Depth.Width, $"layer{i}"));
        return Dense(h, 10, "output");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>
/// The same depth with ReLU and residual connections: h = h + ReLU(W·h + b). The identity path
/// carries the gradient back to layer0 unchanged, whatever the layers in between do. Each
/// branch starts small (weights of standard deviation 0.02), so the network starts out as a
/// shallow one and every block learns a correction to it (the idea behind Fixup and the
/// zero-initialised last layer of ResNet blocks); He initialisation in eleven branches would
/// grow the activations by a quarter at every block.
/// </summary>
[Network]
public partial class ResidualReluMlp
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor x)
    {
        var h = Relu(Dense(x, Depth.Width, "layer0"));
        for (int i = 1; i < Depth.Layers; i++)
            h = h + Relu(Dense(h, Depth.Width, $"layer{i}", init: Init.SmallUniform));
        return Dense(h, 10, "output");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>
/// Twelve ReLU layers without residual connections, each scaled by 2 (as if initialised with
/// twice He's weights): every layer doubles the signal forwards and the gradient backwards,
/// 2¹² ≈ 4096 times over the network, so the gradients explode.
/// </summary>
[Network]
public partial class ScaledReluMlp
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor x)
    {
        var h = Relu(Dense(x, Depth.Width, "layer0") * 2f);
        for (int i = 1; i < Depth.Layers; i++)
            h = Relu(Dense(h, Depth.Width, $"layer{i}") * 2f);
        return Dense(h, 10, "output");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
