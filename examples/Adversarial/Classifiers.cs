using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Adversarial;

/// <summary>
/// The MNIST classifier under attack: 784 → 256 → 128 → 10. InputGradient = true makes its
/// backward pass also compute ∂L/∂x, the direction in which each pixel raises the loss.
/// </summary>
[Network(InputGradient = true)]
public partial class MnistClassifier
{
    [Forward]
    Tensor Forward([Shape(784)] Tensor pixels)
    {
        var h1 = Relu(Dense(pixels, 256, "fc1"));
        var h2 = Relu(Dense(h1, 128, "fc2"));
        return Dense(h2, 10, "fc3");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>The same attack target for the 8×8 digits, used when MNIST has not been fetched (and by the tests).</summary>
[Network(InputGradient = true)]
public partial class DigitsClassifier
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels)
    {
        var h = Relu(Dense(pixels, 64, "fc1"));
        return Dense(h, 10, "fc2");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
