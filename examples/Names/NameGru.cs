using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Names;

/// <summary>
/// A character-level GRU language model (Cho et al., 2014), unrolled over 16 steps: at each step
/// the update gate z and reset gate r decide how much of the previous state h to keep and to
/// use, and the head predicts the next character. The loop below is written once; the generator
/// unrolls it and the backward pass is backpropagation through time.
/// </summary>
[Network]
public partial class NameGru
{
    public const int Steps = 16, Vocabulary = 32, Embedded = 24, Hidden = 128;

    [Forward]
    Tensor Forward([Shape(Steps)] Tensor ids)
    {
        var inputs = Unstack(Embedding(ids, Vocabulary, Embedded, "embed"));
        var h = Zeros(ids, Hidden);
        var states = new Tensor[Steps];
        for (int t = 0; t < Steps; t++)
        {
            var x = inputs[t];
            var z = Sigmoid(Dense(x, Hidden, "update.x") + Dense(h, Hidden, "update.h", bias: false));
            var r = Sigmoid(Dense(x, Hidden, "reset.x") + Dense(h, Hidden, "reset.h", bias: false));
            var candidate = Tanh(Dense(x, Hidden, "candidate.x") + r * Dense(h, Hidden, "candidate.h"));
            h = (1f - z) * candidate + z * h;
            states[t] = h;
        }
        return Dense(Stack(states), Vocabulary, "head");
    }

    /// <summary>The label of the positions after a name's end: nothing to predict there, so the loss skips them.</summary>
    public const int Padding = -1;

    [Loss]
    Tensor Loss(Tensor logits, [Labels(Vocabulary), Shape(Steps)] Tensor next) => SoftmaxCrossEntropy(logits, next, ignoreLabel: Padding);
}
