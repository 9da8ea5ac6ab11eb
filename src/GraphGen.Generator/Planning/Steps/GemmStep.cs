using System.Collections.Generic;

namespace GraphGen.Generator.Planning;

/// <summary>
/// C = op(A)·op(B) (or C += ... when <see cref="Accumulate"/>), op(A) M×K, op(B) K×N, with an
/// optional epilogue: + bias per column, then an activation; or, for the backward pass,
/// ⊙ act′(S) with S the saved activation.
/// </summary>
internal sealed record GemmStep(Operand A, bool TransposeA, Operand B, bool TransposeB, Operand C, Dim M, Dim N, Dim K, bool Accumulate) : KernelStep
{
    public Operand? Bias { get; init; }

    /// <summary>Name of a GraphGen.Kernels.Activation member applied in the epilogue.</summary>
    public string Activation { get; init; } = "None";

    public double Slope { get; init; }

    /// <summary>When set, the epilogue multiplies by Activation′ evaluated from this operand.</summary>
    public Operand? DerivativeSource { get; init; }

    public override IEnumerable<Operand> Reads
    {
        get
        {
            yield return A;
            yield return B;
            if (Bias is not null) yield return Bias;
            if (DerivativeSource is not null) yield return DerivativeSource;
            if (Accumulate) yield return C;
        }
    }

    public override IEnumerable<Operand> Writes { get { yield return C; } }
}
