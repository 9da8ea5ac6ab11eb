using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Reproducibility;

/// <summary>
/// 64 → 512 → 512 → 10 on the digits: wide enough that, in batches of 256, its matrix
/// products (2·256·512·512 ≈ 134 MFLOP for the middle layer) are split over several threads,
/// so the thread count has something to change.
/// </summary>
[Network]
public partial class WideDigitsMlp
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor x)
    {
        var h1 = Relu(Dense(x, 512, "fc1"));
        var h2 = Relu(Dense(h1, 512, "fc2"));
        return Dense(h2, 10, "fc3");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
