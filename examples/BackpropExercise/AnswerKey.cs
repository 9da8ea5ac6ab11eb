using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.BackpropExercise;

// The answer key for the tensors in the middle of the network. ∂L/∂t for an inner tensor t is
// the input gradient of the rest of the network after t: each class below is BatchNormMlp cut at
// one tensor, declared with InputGradient = true, with the same layer names so the weights are
// copied by name. Its generated backward pass runs the same kernels on the same values as the
// whole network's, so its InputGradient is, bit for bit, what the whole network computes inside.

/// <summary>The loss alone: its input gradient is ∂L/∂logits (×1 changes no bit).</summary>
[Network(InputGradient = true)]
public partial class FromLogits
{
    [Forward]
    Tensor Forward([Shape(10)] Tensor logits) => logits * 1f;

    [Loss]
    Tensor Loss(Tensor output, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(output, digit);
}

/// <summary>The output layer and the loss: the input gradient is ∂L/∂h.</summary>
[Network(InputGradient = true)]
public partial class FromH
{
    [Forward]
    Tensor Forward([Shape(BatchNormMlp.Hidden)] Tensor h) => Dense(h, 10, "output");

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>Tanh, the output layer and the loss: the input gradient is ∂L/∂hpreact.</summary>
[Network(InputGradient = true)]
public partial class FromHpreact
{
    [Forward]
    Tensor Forward([Shape(BatchNormMlp.Hidden)] Tensor hpreact) => Dense(Tanh(hpreact), 10, "output");

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>BatchNorm (in training mode: the statistics of the same batch), tanh, the output layer and the loss: the input gradient is ∂L/∂hprebn.</summary>
[Network(InputGradient = true)]
public partial class FromHprebn
{
    [Forward]
    Tensor Forward([Shape(BatchNormMlp.Hidden)] Tensor hprebn) => Dense(Tanh(BatchNorm(hprebn, "bn")), 10, "output");

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
