using static GraphGen.Nn;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// A small CNN using every kernel of the convolutional family: a padded convolution with its ReLU
/// fused into the kernel, max pooling (whose backward takes the ReLU's derivative), a strided
/// convolution without bias into spatial BatchNorm, a depthwise dilated convolution, average
/// pooling with padding, global average pooling, dense BatchNorm and a dense head. conv1's forward
/// pass (16 output channels, 400 positions at batch 4) and conv2's input gradient (16 input
/// channels) are large enough for the tiled implicit GEMMs; the rest runs the direct kernels.
/// </summary>
[Network]
public partial class SmallCnn
{
    [Forward]
    Tensor Forward([Shape(2, 10, 10)] Tensor image)
    {
        var c1 = Relu(Conv2d(image, 16, kernel: 3, name: "conv1", padding: 1));                                       // 16×10×10
        var p1 = MaxPool2d(c1, kernel: 2);                                                                             // 16×5×5
        var c2 = Relu(BatchNorm(Conv2d(p1, 6, kernel: 3, name: "conv2", stride: 2, padding: 1, bias: false), "bn"));  // 6×3×3
        var c3 = Tanh(Conv2d(c2, 6, kernel: 3, name: "depthwise", padding: 2, dilation: 2, groups: 6));              // 6×3×3
        var a3 = AvgPool2d(c3, kernel: 3, stride: 1, padding: 1);                                                      // 6×3×3
        return Dense(BatchNorm(GlobalAveragePool(a3), "bnDense"), 5, name: "head");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(5)] Tensor y) => SoftmaxCrossEntropy(logits, y);
}

/// <summary>
/// A residual block and a lone skip, whose ends inference runs as one call each
/// (Conv2d.ForwardResidual: the convolution, the sum with the skip, the ReLU), on the device as on
/// the CPU; training and the observed pass keep the three steps.
/// </summary>
[Network]
public partial class ResidualCnn
{
    [Forward]
    Tensor Forward([Shape(2, 6, 6)] Tensor image)
    {
        var stem = Relu(BatchNorm(Conv2d(image, 4, kernel: 3, name: "stem", padding: 1, bias: false), "stem.bn"));   // 4×6×6
        var f = Relu(BatchNorm(Conv2d(stem, 4, kernel: 3, name: "block.conv1", padding: 1, bias: false), "block.bn1"));
        f = BatchNorm(Conv2d(f, 4, kernel: 3, name: "block.conv2", padding: 1, bias: false), "block.bn2");
        var h = Relu(stem + f);
        var g = Conv2d(h, 4, kernel: 3, name: "tail", padding: 1) + h;
        return Dense(GlobalAveragePool(g), 5, name: "head");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(5)] Tensor y) => SoftmaxCrossEntropy(logits, y);
}
