using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Recurrence;

/// <summary>An 8×8 digit read as a sequence: 16 steps of 4 pixels (each row in two halves, top to bottom).</summary>
public static class DigitSequence
{
    /// <summary>Time steps per digit.</summary>
    public const int Steps = 16;

    /// <summary>Pixels per step.</summary>
    public const int Inputs = 4;

    /// <summary>Units of the recurrent state.</summary>
    public const int Hidden = 32;
}

/// <summary>
/// An Elman network (Elman, 1990), the plain recurrent network: h_t = tanh(W_x·x_t + W_h·h_(t−1) + b),
/// one set of weights for every step; the last state classifies the digit. The generator unrolls
/// the loop into 16 copies of the step, and its backward pass is backpropagation through time.
/// InputGradient = true exposes ∂L/∂x_t: how much of the loss's gradient reaches each step.
/// </summary>
[Network(InputGradient = true)]
public partial class ElmanRnn
{
    [Forward]
    Tensor Forward([Shape(DigitSequence.Steps, DigitSequence.Inputs)] Tensor pixels)
    {
        var steps = Unstack(pixels);
        var h = Zeros(pixels, DigitSequence.Hidden);
        for (int t = 0; t < DigitSequence.Steps; t++)
            h = Tanh(Dense(steps[t], DigitSequence.Hidden, "input") + Dense(h, DigitSequence.Hidden, "recurrent", bias: false));
        return Dense(h, 10, "output");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}

/// <summary>
/// The same task with a gated recurrent unit (Cho et al., 2014), the cell of the Names example:
/// the update gate z decides how much of the old state to keep, h_t = (1 − z)·candidate + z·h_(t−1),
/// so a gradient can pass many steps back through z instead of through tanh′ and W_h every time.
/// </summary>
[Network(InputGradient = true)]
public partial class GruRnn
{
    [Forward]
    Tensor Forward([Shape(DigitSequence.Steps, DigitSequence.Inputs)] Tensor pixels)
    {
        var steps = Unstack(pixels);
        var h = Zeros(pixels, DigitSequence.Hidden);
        for (int t = 0; t < DigitSequence.Steps; t++)
        {
            var x = steps[t];
            var z = Sigmoid(Dense(x, DigitSequence.Hidden, "update.x") + Dense(h, DigitSequence.Hidden, "update.h", bias: false));
            var r = Sigmoid(Dense(x, DigitSequence.Hidden, "reset.x") + Dense(h, DigitSequence.Hidden, "reset.h", bias: false));
            var candidate = Tanh(Dense(x, DigitSequence.Hidden, "candidate.x") + r * Dense(h, DigitSequence.Hidden, "candidate.h"));
            h = (1f - z) * candidate + z * h;
        }
        return Dense(h, 10, "output");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(10)] Tensor digit) => SoftmaxCrossEntropy(logits, digit);
}
