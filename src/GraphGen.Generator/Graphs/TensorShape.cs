using System.Linq;

namespace GraphGen.Generator.Graphs;

/// <summary>
/// The per-sample shape of a tensor; the batch is the implicit leading dimension. An empty
/// shape is a batch-reduced scalar (a loss).
/// </summary>
internal sealed record TensorShape(EquatableArray<int> Dimensions)
{
    public static readonly TensorShape Scalar = new(EquatableArray<int>.Empty);

    public static TensorShape Of(params int[] dimensions) => new(new EquatableArray<int>(dimensions));

    public bool IsScalar => Dimensions.Count == 0;

    public int Rank => Dimensions.Count;

    /// <summary>Floats per sample, exactly (saturating at long.MaxValue): compare this, not <see cref="Size"/>, before a shape is checked.</summary>
    public long Elements => NetworkLimits.Product(Dimensions);

    /// <summary>Floats per sample; every shape in a graph fits (<see cref="Graph.Add"/> checks it), so this never overflows.</summary>
    public int Size => checked((int)Elements);

    /// <summary>The last axis: the feature axis that Dense, Softmax and Concat act on.</summary>
    public int Last => Dimensions[Dimensions.Count - 1];

    /// <summary>Rows per sample when the tensor is viewed as a matrix [rows, Last].</summary>
    public int LeadingSize => Size / Last;

    public TensorShape WithLast(int last)
    {
        var dims = Dimensions.ToArray();
        dims[dims.Length - 1] = last;
        return new TensorShape(new EquatableArray<int>(dims));
    }

    public override string ToString() => IsScalar ? "scalar" : "[" + string.Join(", ", Dimensions) + "]";

    /// <summary>The shape with the batch dimension, as PyTorch prints it: [B, 32].</summary>
    public string WithBatch => IsScalar ? "scalar" : "[B, " + string.Join(", ", Dimensions) + "]";
}
