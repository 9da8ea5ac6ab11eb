using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Overfitting;

/// <summary>
/// Far more capacity than 200 training images need: 64 → 256 → 256 → 10, about 85,000
/// parameters, over 400 per training image. It can memorise the training set outright.
/// </summary>
[Network]
public partial class WideMlp
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor x)
    {
        var h1 = Relu(Dense(x, 256, "fc1"));
        var h2 = Relu(Dense(h1, 256, "fc2"));
        return Dense(h2, 10, "fc3");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
