using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Bench.Networks;

// The four MLPs of the benchmark table (ReLU hidden layers, softmax cross-entropy), as PyTorch's peer script builds them.

[Network]
public partial class Mlp64x32
{
    [Forward] Tensor Forward([Shape(64)] Tensor x) => Dense(Relu(Dense(x, 32, "fc1")), 10, "fc2");
    [Loss] Tensor Loss(Tensor z, [Labels(10)] Tensor y) => SoftmaxCrossEntropy(z, y);
}

[Network]
public partial class Mlp784x128
{
    [Forward] Tensor Forward([Shape(784)] Tensor x) => Dense(Relu(Dense(x, 128, "fc1")), 10, "fc2");
    [Loss] Tensor Loss(Tensor z, [Labels(10)] Tensor y) => SoftmaxCrossEntropy(z, y);
}

[Network]
public partial class Mlp784x256x128
{
    [Forward] Tensor Forward([Shape(784)] Tensor x) => Dense(Relu(Dense(Relu(Dense(x, 256, "fc1")), 128, "fc2")), 10, "fc3");
    [Loss] Tensor Loss(Tensor z, [Labels(10)] Tensor y) => SoftmaxCrossEntropy(z, y);
}

[Network]
public partial class Mlp1024x1024x1024
{
    [Forward] Tensor Forward([Shape(1024)] Tensor x) => Dense(Relu(Dense(Relu(Dense(x, 1024, "fc1")), 1024, "fc2")), 10, "fc3");
    [Loss] Tensor Loss(Tensor z, [Labels(10)] Tensor y) => SoftmaxCrossEntropy(z, y);
}
