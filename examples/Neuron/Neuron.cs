using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Neuron;

/// <summary>
/// A single artificial neuron: a weighted sum of the 30 measurements plus a bias, squashed by
/// the sigmoid into a probability. Trained with log loss, this is logistic regression.
/// </summary>
[Network]
public partial class Neuron
{
    [Forward]
    Tensor Forward([Shape(30)] Tensor x) => Sigmoid(Dense(x, 1, name: "neuron"));

    [Loss]
    Tensor Loss(Tensor p, [Shape(1)] Tensor benign) => BinaryCrossEntropy(p, benign);
}
