using System.Collections.Generic;

namespace GraphGen.Generator.Planning;

/// <summary>Y = softmax(X) over rows of width Columns.</summary>
internal sealed record SoftmaxStep(Operand X, Operand Y, Dim Rows, int Columns) : KernelStep
{
    public override IEnumerable<Operand> Reads { get { yield return X; } }
    public override IEnumerable<Operand> Writes { get { yield return Y; } }
}

/// <summary>dX (+)= Y ⊙ (dY − rowsum(dY ⊙ Y)).</summary>
internal sealed record SoftmaxBackwardStep(Operand Y, Operand DY, Operand DX, Dim Rows, int Columns, bool Accumulate) : KernelStep
{
    public override IEnumerable<Operand> Reads
    {
        get
        {
            yield return Y;
            yield return DY;
            if (Accumulate) yield return DX;
        }
    }

    public override IEnumerable<Operand> Writes { get { yield return DX; } }
}

/// <summary>dBias[c] (+)= Σ_r dY[r, c].</summary>
internal sealed record BiasGradientStep(Operand DY, Operand DBias, Dim Rows, int Columns, bool Accumulate) : KernelStep
{
    public override IEnumerable<Operand> Reads
    {
        get
        {
            yield return DY;
            if (Accumulate) yield return DBias;
        }
    }

    public override IEnumerable<Operand> Writes { get { yield return DBias; } }
}

/// <summary>
/// Y[r] (+)= Scale · Σ_c Expression[r, c]: Sum and Mean forward, and the backward of an
/// operand that was broadcast along a row.
/// </summary>
internal sealed record RowSumStep(MapExpr Expression, Operand Y, Dim Rows, int Columns, double Scale, bool Accumulate) : KernelStep
{
    public override IEnumerable<Operand> Reads
    {
        get
        {
            foreach (var operand in MapStep.MapOperands(Expression)) yield return operand.Operand;
            if (Accumulate) yield return Y;
        }
    }

    public override IEnumerable<Operand> Writes { get { yield return Y; } }
}

/// <summary>
/// Copies (or adds) Count columns per row: To[r, ToOffset + j] (+)= From[r, FromOffset + j].
/// Concatenation forward, and its backward split.
/// </summary>
internal sealed record ColumnCopyStep(Operand From, int FromWidth, int FromOffset, Operand To, int ToWidth, int ToOffset, int Count, Dim Rows, bool Accumulate) : KernelStep
{
    public override IEnumerable<Operand> Reads
    {
        get
        {
            yield return From;
            if (Accumulate) yield return To;
        }
    }

    public override IEnumerable<Operand> Writes { get { yield return To; } }
}
