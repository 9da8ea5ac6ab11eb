using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Heatmaps;

/// <summary>
/// An MLP for the 8×8 digits whose backward pass also computes dLoss/dInput
/// (InputGradient = true): the gradient that becomes the saliency map.
/// </summary>
[Network(InputGradient = true)]
public partial class DigitsSaliencyNet
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels)
    {
        var hidden1 = Relu(Dense(pixels, 32, "fc1"));
        var hidden2 = Relu(Dense(hidden1, 16, "fc2"));
        return Dense(hidden2, 10, "fc3");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>The same for 28×28 MNIST digits: 784 → 128 → 64 → 10, with dLoss/dInput.</summary>
[Network(InputGradient = true)]
public partial class MnistSaliencyNet
{
    [Forward]
    Tensor Forward([Shape(784)] Tensor pixels)
    {
        var hidden1 = Relu(Dense(pixels, 128, "fc1"));
        var hidden2 = Relu(Dense(hidden1, 64, "fc2"));
        return Dense(hidden2, 10, "fc3");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
