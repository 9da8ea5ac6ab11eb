using static GraphGen.Nn;

namespace GraphGen.Distributed.TestHost;

// Three small networks, one per way a shard's loss is weighted and state is kept.

/// <summary>Class labels, one per sample: shards weigh by their samples.</summary>
[Network]
public partial class ShardMlp
{
    [Forward]
    Tensor Forward([Shape(12)] Tensor x) => Dense(Relu(Dense(x, 16, name: "hidden")), 4, name: "output");

    [Loss]
    Tensor Loss(Tensor logits, [Labels(4)] Tensor y) => SoftmaxCrossEntropy(logits, y);
}

/// <summary>Five labels per sample, some ignored (-1): shards weigh by the labels they score.</summary>
[Network]
public partial class ShardTagger
{
    [Forward]
    Tensor Forward([Shape(12)] Tensor x) => Reshape(Dense(Tanh(Dense(x, 16, name: "hidden")), 15, name: "tags"), 5, 3);

    [Loss]
    Tensor Loss(Tensor logits, [Labels(3), Shape(5)] Tensor tags) => SoftmaxCrossEntropy(logits, tags, ignoreLabel: -1);
}

/// <summary>Real-valued targets and BatchNorm: non-trainable state that must stay the same on every rank.</summary>
[Network]
public partial class ShardNormRegression
{
    [Forward]
    Tensor Forward([Shape(12)] Tensor x) => Dense(Relu(BatchNorm(Dense(x, 16, name: "hidden"), "bn")), 2, name: "output");

    [Loss]
    Tensor Loss(Tensor prediction, [Shape(2)] Tensor target) => MeanSquaredError(prediction, target);
}
