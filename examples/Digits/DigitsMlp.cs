using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Digits;

/// <summary>An MLP for 8×8 handwritten digits: 64 pixels → 64 ReLU units → 10 class scores.</summary>
[Network]
public partial class DigitsMlp
{
    public const int Hidden = 64;

    [Forward]
    Tensor Forward([Shape(64)] Tensor x)
    {
        var h = Relu(Dense(x, Hidden, name: "hidden"));
        return Dense(h, 10, name: "output");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor y) => SoftmaxCrossEntropy(logits, y);
}
