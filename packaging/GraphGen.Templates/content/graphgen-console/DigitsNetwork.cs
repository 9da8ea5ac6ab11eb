using GraphGen;
using static GraphGen.Nn;

namespace GraphGenApp;

/// <summary>
/// A multilayer perceptron for 8×8 handwritten digits: 64 pixels → 64 ReLU units → 10 class scores.
/// </summary>
/// <remarks>
/// GraphGen compiles this class at build time: it checks every shape (a mismatch is a compile
/// error such as GG0001, on the line at fault), derives the backward pass and writes the other
/// half of this partial class: the constructor, Forward, TrainStep, the parameter table
/// (hidden.weight [64, 64], hidden.bias [64], output.weight [10, 64], output.bias [10]) and a
/// Summary. Where to read that code: see the comment in GraphGenApp.csproj.
/// </remarks>
[Network]
public partial class DigitsNetwork
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels)
    {
        var hidden = Relu(Dense(pixels, 64, name: "hidden"));
        return Dense(hidden, 10, name: "output");
    }

    [Loss]
    Tensor Loss(Tensor scores, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(scores, digit);
}
