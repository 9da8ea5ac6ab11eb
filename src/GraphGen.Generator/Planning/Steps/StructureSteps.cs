using System.Collections.Generic;

namespace GraphGen.Generator.Planning;

/// <summary>
/// Y[r] (+)= Scale · Σ_c Expression[r, c]: Sum and Mean forward, and the backward of an
/// operand that was broadcast along a row.
/// </summary>
internal sealed record RowSumStep(MapExpr Expression, Operand Y, Dim Rows, int Columns, double Scale, bool Accumulate) : KernelStep
{
    public override IEnumerable<OperandUse> Uses
    {
        get
        {
            foreach (var operand in MapStep.MapOperands(Expression)) yield return OperandUse.In(operand.Operand);
            yield return OperandUse.Result(Y, Accumulate);
        }
    }
}

/// <summary>
/// Copies (or adds) Count columns per row: To[r, ToOffset + j] (+)= From[r, FromOffset + j].
/// Concatenation forward, and its backward split.
/// </summary>
internal sealed record ColumnCopyStep(Operand From, int FromWidth, int FromOffset, Operand To, int ToWidth, int ToOffset, int Count, Dim Rows, bool Accumulate) : KernelStep
{
    public override IEnumerable<OperandUse> Uses
    {
        get
        {
            yield return OperandUse.In(From);
            yield return OperandUse.Result(To, Accumulate);
        }
    }
}
