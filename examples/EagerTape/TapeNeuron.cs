using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.EagerTape;

/// <summary>
/// One neuron with two inputs, o = tanh(w₁x₁ + w₂x₂ + b), and a squared-error loss: the network of
/// micrograd's walk-through, small enough to follow every number of its forward and backward pass
/// in a debugger. InputGradient = true adds ∂L/∂x to the backward pass.
/// </summary>
[Network(InputGradient = true)]
public partial class TapeNeuron
{
    [Forward]
    Tensor Forward([Shape(2)] Tensor x) => Tanh(Dense(x, 1, "neuron"));

    [Loss]
    Tensor Loss(Tensor o, [Shape(1)] Tensor target) => MeanSquaredError(o, target);
}
