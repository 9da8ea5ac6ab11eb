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

/// <summary>The small residual network of examples/FashionResNet (BatchNorm, a strided convolution, global average pooling).</summary>
[Network]
public partial class BenchResNet
{
    Tensor Block(Tensor h, int channels, string name)
    {
        var f = Relu(BatchNorm(Conv2d(h, channels, kernel: 3, name: name + ".conv1", padding: 1, bias: false), name + ".bn1"));
        f = BatchNorm(Conv2d(f, channels, kernel: 3, name: name + ".conv2", padding: 1, bias: false), name + ".bn2");
        return Relu(h + f);
    }

    [Forward]
    Tensor Forward([Shape(1, 28, 28)] Tensor image)
    {
        var h = Relu(BatchNorm(Conv2d(image, 16, kernel: 3, name: "stem", padding: 1, bias: false), "stem.bn"));
        h = MaxPool2d(h, kernel: 2);
        h = Block(h, 16, "stage1");
        h = Relu(BatchNorm(Conv2d(h, 32, kernel: 3, name: "down", stride: 2, padding: 1, bias: false), "down.bn"));
        h = Block(h, 32, "stage2");
        return Dense(GlobalAveragePool(h), 10, name: "classifier");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor item) => SoftmaxCrossEntropy(logits, item);
}

/// <summary>
/// A ResNet-style network with 64- and 128-channel 3×3 convolutions on 32×32 colour images (the
/// channel counts where convolutions can run near the GEMM's rate): stem, pooling, one residual
/// block at 64 channels, a strided convolution to 128, one residual block at 128.
/// </summary>
[Network]
public partial class BenchResNet64
{
    Tensor Block(Tensor h, int channels, string name)
    {
        var f = Relu(BatchNorm(Conv2d(h, channels, kernel: 3, name: name + ".conv1", padding: 1, bias: false), name + ".bn1"));
        f = BatchNorm(Conv2d(f, channels, kernel: 3, name: name + ".conv2", padding: 1, bias: false), name + ".bn2");
        return Relu(h + f);
    }

    [Forward]
    Tensor Forward([Shape(3, 32, 32)] Tensor image)
    {
        var h = Relu(BatchNorm(Conv2d(image, 64, kernel: 3, name: "stem", padding: 1, bias: false), "stem.bn"));
        h = MaxPool2d(h, kernel: 2);
        h = Block(h, 64, "stage1");
        h = Relu(BatchNorm(Conv2d(h, 128, kernel: 3, name: "down", stride: 2, padding: 1, bias: false), "down.bn"));
        h = Block(h, 128, "stage2");
        return Dense(GlobalAveragePool(h), 10, name: "classifier");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor label) => SoftmaxCrossEntropy(logits, label);
}
