namespace GraphGen;

/// <summary>Supplies a tensor's values at the moment the writer needs them.</summary>
/// <remarks>A delegate rather than an array so that a slice of a live arena (a <see cref="Span{T}"/>) can be written without a copy.</remarks>
public delegate ReadOnlySpan<float> TensorValuesSource();

/// <summary>One float tensor to write to a safetensors file: a name, a shape and its values in row-major order.</summary>
public sealed class SafetensorsTensor
{
    public SafetensorsTensor(string name, int[] shape, TensorValuesSource values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        Name = name;
        Shape = shape;
        Values = values;
    }

    public SafetensorsTensor(string name, int[] shape, ReadOnlyMemory<float> values)
        : this(name, shape, () => values.Span)
    {
    }

    public string Name { get; }

    public int[] Shape { get; }

    /// <summary>Called once, while the tensor's data is written; must return exactly the product of <see cref="Shape"/> floats.</summary>
    public TensorValuesSource Values { get; }
}
