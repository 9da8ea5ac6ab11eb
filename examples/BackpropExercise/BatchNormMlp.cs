using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.BackpropExercise;

/// <summary>
/// The network of the exercise, as in Karpathy's "becoming a backprop ninja": a dense layer,
/// batch normalisation, tanh, a dense layer and softmax cross-entropy, here on the 8×8 digits.
/// The generated backward pass is the answer key: the checker compares every tensor you compute
/// by hand with it. InputGradient = true adds ∂L/∂x, the last tensor of the exercise.
/// </summary>
[Network(InputGradient = true)]
public partial class BatchNormMlp
{
    /// <summary>Units of the hidden layer.</summary>
    public const int Hidden = 32;

    [Forward]
    Tensor Forward([Shape(64)] Tensor x)
    {
        var hprebn = Dense(x, Hidden, "hidden");            // x·W1ᵀ + b1
        var hpreact = BatchNorm(hprebn, "bn");              // γ·(hprebn − μ)/√(σ² + ε) + β
        var h = Tanh(hpreact);
        return Dense(h, 10, "output");                      // logits = h·W2ᵀ + b2
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
