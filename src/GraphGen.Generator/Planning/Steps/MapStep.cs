using System.Collections.Generic;

namespace GraphGen.Generator.Planning;

/// <summary>Output[r, c] (+)= Expression, for every element of a [Rows, Columns] tensor: one loop.</summary>
internal sealed record MapStep(Operand Output, MapExpr Expression, Dim Rows, int Columns, bool Accumulate) : KernelStep
{
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
