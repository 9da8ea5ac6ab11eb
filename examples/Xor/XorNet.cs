using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Xor;

/// <summary>
/// XOR is not linearly separable, so one neuron cannot learn it; a hidden layer of two or
/// more tanh units can. Output: the probability that x₁ XOR x₂ is 1.
/// </summary>
[Network]
public partial class XorNet
{
    [Forward]
    Tensor Forward([Shape(2)] Tensor x)
    {
        var hidden = Tanh(Dense(x, 4, name: "hidden"));
        return Sigmoid(Dense(hidden, 1, name: "output"));
    }

    [Loss]
    Tensor Loss(Tensor p, [Shape(1)] Tensor y) => BinaryCrossEntropy(p, y);
}
