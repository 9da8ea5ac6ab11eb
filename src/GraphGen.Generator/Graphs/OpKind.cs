namespace GraphGen.Generator.Graphs;

/// <summary>The operations a graph node can perform.</summary>
internal enum OpKind
{
    Input,
    Target,
    Dense,
    /// <summary>An elementwise activation: which one is its <c>ActivationAttributes.Function</c> (Ops/ActivationOp.cs).</summary>
    Activation,
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
    /// <summary>A constant zero tensor (an RNN's initial state).</summary>
    Zeros,
    Flatten,
    Reshape,
    Transpose,
    SplitHeads,
    MergeHeads,
    MatMul,
    Embedding,
    PositionalEmbedding,
    LayerNorm,
    BatchNorm,
    Dropout,
    Conv2d,
    MaxPool2d,
    AvgPool2d,
    GlobalAveragePool,
    Stack,
    /// <summary>One element of Unstack(x): x[..., i, :] along the first per-sample axis.</summary>
    Select,
    Sample,
    KlDivergence,
    SoftmaxCrossEntropy,
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    MeanSquaredError,
}
