namespace GraphGen;

/// <summary>Supplies a tensor's values at the moment the writer needs them.</summary>
/// <remarks>A delegate rather than an array so that a slice of a live arena (a <see cref="Span{T}"/>) can be written without a copy.</remarks>
public delegate ReadOnlySpan<float> TensorValuesSource();

/// <summary>One float tensor to write to a safetensors file: a name, a shape and its values in row-major order.</summary>
public sealed class SafetensorsTensor
{
    /// <summary>A tensor whose values are fetched when written (e.g. a slice of a live parameter arena).</summary>
    /// <param name="name">The tensor's name in the file; unique, not empty.</param>
    /// <param name="shape">Its shape, PyTorch's layout (a dense weight is [out, in]).</param>
    /// <param name="values">Returns the values, row-major, when the writer needs them.</param>
    public SafetensorsTensor(string name, int[] shape, TensorValuesSource values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        Name = name;
        Shape = shape;
        Values = values;
    }

    /// <summary>A tensor over values already in memory.</summary>
    /// <param name="name">The tensor's name in the file; unique, not empty.</param>
    /// <param name="shape">Its shape, PyTorch's layout.</param>
    /// <param name="values">The values, row-major; exactly the product of <paramref name="shape"/> of them.</param>
    public SafetensorsTensor(string name, int[] shape, ReadOnlyMemory<float> values)
        : this(name, shape, () => values.Span)
    {
    }

    /// <summary>The tensor's name in the file.</summary>
    public string Name { get; }

    /// <summary>The tensor's shape.</summary>
    public int[] Shape { get; }

    /// <summary>Called once, while the tensor's data is written; must return exactly the product of <see cref="Shape"/> floats.</summary>
    public TensorValuesSource Values { get; }
}
