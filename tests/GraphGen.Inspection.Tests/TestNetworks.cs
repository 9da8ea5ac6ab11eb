using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Inspection.Tests;

/// <summary>A small classifier with the input gradient, for exact checks of the inspection tools.</summary>
[Network(InputGradient = true)]
public partial class TinyClassifier
{
    [Forward]
    Tensor Forward([Shape(6)] Tensor x)
    {
        var h = Tanh(Dense(x, 8, "hidden"));
        var g = Relu(Dense(h, 5, "middle"));
        return Dense(g, 3, "output");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(logits, y);
}
