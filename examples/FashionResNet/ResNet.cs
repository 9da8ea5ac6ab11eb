using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.FashionResNet;

/// <summary>
/// A small residual network (He et al., 2016) for 28×28 clothing images: a stem, two stages of
/// residual blocks (the second at half resolution and twice the channels), global average
/// pooling and a linear classifier. Each block computes h + F(h): the identity path lets
/// gradients reach the early layers undiminished.
/// </summary>
[Network]
public partial class ResNet
{
    /// <summary>A basic block: conv-BN-ReLU-conv-BN, added to its input, then ReLU.</summary>
    Tensor Block(Tensor h, int channels, string name)
    {
        var f = Relu(BatchNorm(Conv2d(h, channels, kernel: 3, name: name + ".conv1", padding: 1, bias: false), name + ".bn1"));
        f = BatchNorm(Conv2d(f, channels, kernel: 3, name: name + ".conv2", padding: 1, bias: false), name + ".bn2");
        return Relu(h + f);
    }

    [Forward]
    Tensor Forward([Shape(1, 28, 28)] Tensor image)
    {
        var h = Relu(BatchNorm(Conv2d(image, 16, kernel: 3, name: "stem", padding: 1, bias: false), "stem.bn"));  // 16 × 28 × 28
        h = MaxPool2d(h, kernel: 2);                                                                              // 16 × 14 × 14
        h = Block(h, 16, "stage1");
        h = Relu(BatchNorm(Conv2d(h, 32, kernel: 3, name: "down", stride: 2, padding: 1, bias: false), "down.bn")); // 32 × 7 × 7
        h = Block(h, 32, "stage2");
        return Dense(GlobalAveragePool(h), 10, name: "classifier");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor item) => SoftmaxCrossEntropy(logits, item);
}
