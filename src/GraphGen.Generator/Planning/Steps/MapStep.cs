using System.Collections.Generic;

namespace GraphGen.Generator.Planning;

/// <summary>Output[r, c] (+)= Expression, for every element of a [Rows, Columns] tensor: one loop.</summary>
internal sealed record MapStep(Operand Output, MapExpr Expression, Dim Rows, int Columns, bool Accumulate) : KernelStep
{
    /// <summary>Set when the map is an activation or its derivative, so fusion can move it into a GEMM epilogue.</summary>
    public ActivationForm? Activation { get; init; }

    public override IEnumerable<Operand> Reads
    {
        get
        {
            foreach (var operand in MapOperands(Expression)) yield return operand.Operand;
            if (Accumulate) yield return Output;
        }
    }

    public override IEnumerable<Operand> Writes { get { yield return Output; } }

    public static IEnumerable<MapOperand> MapOperands(MapExpr expression)
    {
        switch (expression)
        {
            case MapOperand o:
                yield return o;
                break;
            case MapUnary u:
                foreach (var o in MapOperands(u.Argument)) yield return o;
                break;
            case MapBinary b:
                foreach (var o in MapOperands(b.Left)) yield return o;
                foreach (var o in MapOperands(b.Right)) yield return o;
                break;
            case MapSelect s:
                foreach (var o in MapOperands(s.Condition)) yield return o;
                foreach (var o in MapOperands(s.WhenPositive)) yield return o;
                foreach (var o in MapOperands(s.Otherwise)) yield return o;
                break;
        }
    }
}

/// <summary>
/// An activation as fusion sees it. Forward (<see cref="DerivativeSource"/> null): Output =
/// act(<see cref="Input"/>). Backward: Output = <see cref="Input"/> ⊙ act′(<see cref="DerivativeSource"/>),
/// with the source being the activation's output (ReLU family, sigmoid, tanh) or input (GELU),
/// exactly what the runtime's GEMM epilogues take.
/// </summary>
internal sealed record ActivationForm(string Kind, double Slope, Operand Input, Operand? DerivativeSource);
