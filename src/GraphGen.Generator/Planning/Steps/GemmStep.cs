using System.Collections.Generic;

namespace GraphGen.Generator.Planning;

/// <summary>
/// C = op(A)·op(B) (or C += ... when <see cref="Accumulate"/>), op(A) M×K, op(B) K×N, with an
/// optional epilogue: + bias per column, then an activation; or, for the backward pass,
/// ⊙ f′(S) with S the activation's saved output or input (<see cref="ActivationUse.DerivativeSource"/>).
/// </summary>
internal sealed record GemmStep(Operand A, bool TransposeA, Operand B, bool TransposeB, Operand C, Dim M, Dim N, Dim K, bool Accumulate) : KernelStep
{
    public Operand? Bias { get; init; }

    /// <summary>The activation the epilogue applies (forward) or whose derivative it multiplies in (backward).</summary>
    public ActivationUse? Activation { get; init; }

    /// <summary>
    /// Forward only: where the epilogue also saves f′(z) of its activation (one whose derivative needs
    /// its input z), so that z itself need not be stored for the backward pass.
    /// </summary>
    public Operand? SavedDerivative { get; init; }

    public override IEnumerable<OperandUse> Uses
    {
        get
        {
            yield return OperandUse.In(A);
            yield return OperandUse.In(B);
            if (Bias is not null) yield return OperandUse.In(Bias);
            if (Activation?.DerivativeSource is { } source) yield return OperandUse.In(source);
            yield return OperandUse.Result(C, Accumulate);
            if (SavedDerivative is not null) yield return OperandUse.Result(SavedDerivative, false);
        }
    }
}
