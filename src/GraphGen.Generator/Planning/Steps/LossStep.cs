using System.Collections.Generic;
using GraphGen.Generator.Graphs;

namespace GraphGen.Generator.Planning;

/// <summary>
/// A loss term: returns its mean value into the local <see cref="Result"/> and, when the
/// gradient is wanted, writes Weight · dterm/dPrediction into <see cref="Gradient"/>.
/// </summary>
internal sealed record LossStep(OpKind Loss, Operand Prediction, Operand Target, Operand? Gradient, Dim Rows, int Columns, double Weight, bool Accumulate, string Result) : KernelStep
{
    /// <summary>SoftmaxCrossEntropy only: the label whose rows are skipped (padding), or null.</summary>
    public int? IgnoreLabel { get; init; }

    public override IEnumerable<Operand> Reads
    {
        get
        {
            yield return Prediction;
            yield return Target;
            if (Accumulate && Gradient is not null) yield return Gradient;
        }
    }

    public override IEnumerable<Operand> Writes
    {
        get
        {
            if (Gradient is not null) yield return Gradient;
        }
    }
}
