namespace GraphGen.Generator.Graphs;

/// <summary>The operations a graph node can perform.</summary>
internal enum OpKind
{
    Input,
    Target,
    Dense,
    Relu,
    LeakyRelu,
    Sigmoid,
    Tanh,
    Gelu,
    Softmax,
    Add,
    Subtract,
    Multiply,
    Divide,
    /// <summary>y = scale·x + shift: every tensor–scalar arithmetic form.</summary>
    Affine,
    Concat,
    Sum,
    Mean,
    SoftmaxCrossEntropy,
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    MeanSquaredError,
}
