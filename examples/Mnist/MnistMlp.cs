using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Mnist;

/// <summary>A two-hidden-layer MLP on 28×28 MNIST digits (flattened to 784 pixels).</summary>
[Network]
public partial class MnistMlp
{
    [Forward]
    Tensor Forward([Shape(784)] Tensor pixels)
    {
        var h1 = Relu(Dense(pixels, 256, name: "fc1"));
        var h2 = Relu(Dense(h1, 128, name: "fc2"));
        return Dense(h2, 10, name: "fc3");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
