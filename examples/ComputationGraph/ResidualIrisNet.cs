using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.ComputationGraph;

/// <summary>
/// A small network whose graph is not a chain: the residual connection h + ReLU(...) makes h
/// feed two consumers, so in the backward graph two gradients meet at h and are added (the
/// multivariable chain rule). Four iris measurements → 8 tanh units → a residual block → 3 species.
/// </summary>
[Network]
public partial class ResidualIrisNet
{
    [Forward]
    Tensor Forward([Shape(4)] Tensor measurements)
    {
        var h = Tanh(Dense(measurements, 8, "embed"));
        var residual = h + Relu(Dense(h, 8, "block"));
        return Dense(residual, 3, "classify");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(3)] Tensor species) => SoftmaxCrossEntropy(logits, species);
}
