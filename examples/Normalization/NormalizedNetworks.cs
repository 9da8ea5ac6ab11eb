using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Normalization;

/// <summary>The baseline: 64 → 128 → 128 → 10 with ReLU, nothing else.</summary>
[Network]
public partial class PlainNet
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels)
    {
        var h1 = Relu(Dense(pixels, 128, "fc1"));
        var h2 = Relu(Dense(h1, 128, "fc2"));
        return Dense(h2, 10, "fc3");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>
/// The same with batch normalisation (Ioffe and Szegedy, 2015) before each ReLU: every unit is
/// standardised over the batch in training and with running averages in inference, then scaled
/// and shifted by learned γ and β (which make the dense bias redundant).
/// </summary>
[Network]
public partial class BatchNormNet
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels)
    {
        var h1 = Relu(BatchNorm(Dense(pixels, 128, "fc1", bias: false), "bn1"));
        var h2 = Relu(BatchNorm(Dense(h1, 128, "fc2", bias: false), "bn2"));
        return Dense(h2, 10, "fc3");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>The same with layer normalisation (Ba et al., 2016): each sample standardised over its own 128 units, the same in training and inference.</summary>
[Network]
public partial class LayerNormNet
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels)
    {
        var h1 = Relu(LayerNorm(Dense(pixels, 128, "fc1"), "ln1"));
        var h2 = Relu(LayerNorm(Dense(h1, 128, "fc2"), "ln2"));
        return Dense(h2, 10, "fc3");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>The baseline with dropout (Srivastava et al., 2014) after each hidden layer: in training every unit is zeroed with probability ½ and the rest doubled.</summary>
[Network]
public partial class DropoutNet
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels)
    {
        var h1 = Dropout(Relu(Dense(pixels, 128, "fc1")), 0.5f);
        var h2 = Dropout(Relu(Dense(h1, 128, "fc2")), 0.5f);
        return Dense(h2, 10, "fc3");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
