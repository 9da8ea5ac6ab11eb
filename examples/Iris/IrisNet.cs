using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Iris;

/// <summary>Four flower measurements → one hidden layer → scores for setosa, versicolor, virginica.</summary>
[Network]
public partial class IrisNet
{
    [Forward]
    Tensor Forward([Shape(4)] Tensor x) => Dense(Relu(Dense(x, 16, name: "hidden")), 3, name: "output");

    [Loss]
    Tensor Loss(Tensor logits, [Labels(3)] Tensor species) => SoftmaxCrossEntropy(logits, species);
}
