using GraphGen.Eager;

namespace GraphGen;

/// <summary>
/// A tensor in a [Forward] method. At compile time the generator reads the method as a graph
/// description and never runs it. At run time the same method can execute eagerly through
/// <see cref="EagerModel"/>: then each Tensor holds values (double precision, batch-major)
/// and remembers how to push gradients back to its inputs, micrograd style.
/// </summary>
public sealed class Tensor
{
    internal Tensor(EagerSession session, int batch, int[] shape, double[] data, Tensor[] parents, string op)
    {
        Session = session;
        Batch = batch;
        Shape = shape;
        Data = data;
        Parents = parents;
        Op = op;
        int size = 1;
        foreach (int d in shape) size *= d;
        SampleSize = size;
        if (data.Length != (IsScalar ? 1 : batch * size))
            throw new InvalidOperationException($"Internal: tensor from {op} has {data.Length} values for batch {batch} × shape [{string.Join(", ", shape)}].");
    }

    internal EagerSession Session { get; }

    /// <summary>Samples in the batch (1 for a scalar such as a loss).</summary>
    public int Batch { get; }

    /// <summary>Per-sample shape (the batch dimension excluded); empty for a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>Values per sample.</summary>
    public int SampleSize { get; }

    /// <summary>True for a batch-reduced scalar (a loss).</summary>
    public bool IsScalar => Shape.Length == 0;

    /// <summary>The values, batch-major.</summary>
    public double[] Data { get; }

    /// <summary>dLoss/dThis after <see cref="EagerModel"/> ran the backward pass; null when no gradient reached it.</summary>
    public double[]? Grad { get; internal set; }

    /// <summary>The op that produced this tensor, e.g. "relu".</summary>
    public string Op { get; }

    internal Tensor[] Parents { get; }

    /// <summary>Accumulates this tensor's gradient into its parents' gradients.</summary>
    internal Action<Tensor>? Backward { get; set; }

    internal double[] GradBuffer() => Grad ??= new double[Data.Length];

    /// <summary>"op: value" for a scalar, "op: [batch; dims...]" otherwise.</summary>
    public override string ToString() => IsScalar ? $"{Op}: {Data[0]:G6}" : $"{Op}: [{Batch}; {string.Join(", ", Shape)}]";

    /// <summary>Elementwise a + b; a per-sample [1] operand broadcasts.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => EagerElementwise.Add(a, b);
    /// <summary>Elementwise a − b; a per-sample [1] operand broadcasts.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => EagerElementwise.Subtract(a, b);
    /// <summary>Elementwise a ⊙ b; a per-sample [1] operand broadcasts.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => EagerElementwise.Multiply(a, b);
    /// <summary>Elementwise a ⊘ b; a per-sample [1] operand broadcasts.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => EagerElementwise.Divide(a, b);
    /// <summary>Elementwise −a.</summary>
    public static Tensor operator -(Tensor a) => EagerElementwise.Affine(a, -1, 0, "neg");

    /// <summary>a + s for every element.</summary>
    public static Tensor operator +(Tensor a, double s) => EagerElementwise.Affine(a, 1, s, "add_scalar");
    /// <summary>s + a for every element.</summary>
    public static Tensor operator +(double s, Tensor a) => EagerElementwise.Affine(a, 1, s, "add_scalar");
    /// <summary>a − s for every element.</summary>
    public static Tensor operator -(Tensor a, double s) => EagerElementwise.Affine(a, 1, -s, "sub_scalar");
    /// <summary>s − a for every element.</summary>
    public static Tensor operator -(double s, Tensor a) => EagerElementwise.Affine(a, -1, s, "rsub_scalar");
    /// <summary>a × s for every element.</summary>
    public static Tensor operator *(Tensor a, double s) => EagerElementwise.Affine(a, s, 0, "mul_scalar");
    /// <summary>s × a for every element.</summary>
    public static Tensor operator *(double s, Tensor a) => EagerElementwise.Affine(a, s, 0, "mul_scalar");
    /// <summary>a ÷ s for every element.</summary>
    public static Tensor operator /(Tensor a, double s) => EagerElementwise.Affine(a, 1 / s, 0, "div_scalar");

    /// <summary>a + s for every element.</summary>
    public static Tensor operator +(Tensor a, float s) => a + (double)s;
    /// <summary>s + a for every element.</summary>
    public static Tensor operator +(float s, Tensor a) => (double)s + a;
    /// <summary>a − s for every element.</summary>
    public static Tensor operator -(Tensor a, float s) => a - (double)s;
    /// <summary>s − a for every element.</summary>
    public static Tensor operator -(float s, Tensor a) => (double)s - a;
    /// <summary>a × s for every element.</summary>
    public static Tensor operator *(Tensor a, float s) => a * (double)s;
    /// <summary>s × a for every element.</summary>
    public static Tensor operator *(float s, Tensor a) => (double)s * a;
    /// <summary>a ÷ s for every element.</summary>
    public static Tensor operator /(Tensor a, float s) => a / (double)s;
}
