using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Augmentation;

/// <summary>A small convolutional classifier of the 8×8 digits: two 3×3 convolutions, a pooling, and two dense layers.</summary>
[Network]
public partial class SmallConvNet
{
    [Forward]
    Tensor Forward([Shape(1, 8, 8)] Tensor image)
    {
        var c1 = Relu(Conv2d(image, 16, kernel: 3, name: "conv1", padding: 1));   // 16 × 8 × 8
        var c2 = Relu(Conv2d(c1, 32, kernel: 3, name: "conv2", padding: 1));      // 32 × 8 × 8
        var pooled = MaxPool2d(c2, kernel: 2);                                     // 32 × 4 × 4
        var h = Relu(Dense(Flatten(pooled), 64, "fc1"));
        return Dense(h, 10, "fc2");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
