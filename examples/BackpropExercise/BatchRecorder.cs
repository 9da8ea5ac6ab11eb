namespace GraphGen.Examples.BackpropExercise;

/// <summary>An <see cref="IActivationObserver"/> that keeps a copy of every row of every activation, by tensor name.</summary>
public sealed class BatchRecorder : IActivationObserver
{
    private readonly Dictionary<string, float[]> _values = new(StringComparer.Ordinal);

    /// <summary>The whole batch of the activation named <paramref name="name"/> in the generated code.</summary>
    public float[] this[string name] => _values.TryGetValue(name, out var v) ? v
        : throw new KeyNotFoundException($"No activation named '{name}' was observed; observed: {string.Join(", ", _values.Keys)}.");

    /// <inheritdoc/>
    public void Observe(TensorInfo tensor, ReadOnlySpan<float> values, int batch) =>
        _values[tensor.Name] = values[..(batch * tensor.Size)].ToArray();
}
