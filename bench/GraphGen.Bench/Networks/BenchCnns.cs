using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Bench.Networks;

// LeNet-5 as examples/LeNet defines it (ReLU, max pooling), and as the PyTorch peer builds it.

[Network]
public partial class BenchLeNet5
{
    [Forward]
    Tensor Forward([Shape(1, 28, 28)] Tensor image)
    {
        var c1 = Relu(Conv2d(image, 6, kernel: 5, name: "conv1", padding: 2));
        var s2 = MaxPool2d(c1, kernel: 2);
        var c3 = Relu(Conv2d(s2, 16, kernel: 5, name: "conv2"));
        var s4 = MaxPool2d(c3, kernel: 2);
        var f5 = Relu(Dense(Flatten(s4), 120, name: "fc1"));
        var f6 = Relu(Dense(f5, 84, name: "fc2"));
        return Dense(f6, 10, name: "fc3");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
