using static GraphGen.Nn;

namespace GraphGen.Gpu.Tests;

/// <summary>A small MLP: dense layers with fused ReLU, a tanh left as a kernel, softmax cross-entropy.</summary>
[Network]
public partial class SmallMlp
{
    [Forward]
    Tensor Forward([Shape(12)] Tensor x)
    {
        var h = Relu(Dense(x, 16, "hidden"));
        var t = Tanh(Dense(h, 8, "mix"));
        var s = t + 0.5f * Sigmoid(Dense(h, 8, "gate"));
        return Dense(s, 5, "output");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(5)] Tensor y) => SoftmaxCrossEntropy(logits, y);
}
