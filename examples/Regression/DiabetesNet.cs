using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Regression;

/// <summary>Ten standardized patient measurements → a small hidden layer → disease progression one year later.</summary>
[Network]
public partial class DiabetesNet
{
    [Forward]
    Tensor Forward([Shape(10)] Tensor x) => Dense(Relu(Dense(x, 16, name: "hidden")), 1, name: "output");

    [Loss]
    Tensor Loss(Tensor prediction, [Shape(1)] Tensor progression) => MeanSquaredError(prediction, progression);
}
