using System.Collections.Generic;

namespace GraphGen.Generator.Planning;

/// <summary>Output[r, c] (+)= Expression, for every element of a [Rows, Columns] tensor: one loop.</summary>
internal sealed record MapStep(Operand Output, MapExpr Expression, Dim Rows, int Columns, bool Accumulate) : KernelStep
{
    /// <summary>Set when the map is an activation or its derivative, so fusion can move it into the kernel that produces its input.</summary>
    public ActivationForm? Activation { get; init; }

    public override IEnumerable<OperandUse> Uses
    {
        get
        {
            foreach (var operand in MapOperands(Expression)) yield return OperandUse.In(operand.Operand);
            yield return OperandUse.Result(Output, Accumulate);
        }
    }

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
            case MapActivation a:
                foreach (var o in MapOperands(a.Argument)) yield return o;
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
/// An activation as fusion sees it: a map that is Output = f(<see cref="Input"/>) (forward), or
/// Output = <see cref="Input"/> ⊙ f′(S) (backward, S = <see cref="ActivationUse.DerivativeSource"/>: the
/// activation's output, or its input for activations whose derivative needs it), exactly what the
/// runtime's GEMM and convolution epilogues and the activation kernels take.
/// </summary>
internal sealed record ActivationForm(ActivationUse Use, Operand Input);
