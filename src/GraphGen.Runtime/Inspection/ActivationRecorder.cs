namespace GraphGen.Inspection;

/// <summary>One stored activation of one sample: which tensor, and a copy of its values (per-sample shape <see cref="TensorInfo.Shape"/>).</summary>
public sealed record RecordedActivation(TensorInfo Tensor, float[] Values);

/// <summary>
/// An <see cref="IActivationObserver"/> that copies the activations of one sample of the
/// batch, in the order the forward pass computes them: pass it to
/// <c>network.Forward(x, output, recorder)</c>, then draw <see cref="Activations"/> as heatmaps.
/// The copies are made when each activation is computed, because later steps may reuse its
/// memory. A second forward pass overwrites them in place (no allocation after the first).
/// </summary>
public sealed class ActivationRecorder : IActivationObserver
{
    private readonly List<RecordedActivation> _activations = [];
    private int _next;

    /// <param name="sample">Which row of the batch to keep (0 for a single input).</param>
    public ActivationRecorder(int sample = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        Sample = sample;
    }

    /// <summary>The row of the batch whose activations are kept.</summary>
    public int Sample { get; }

    /// <summary>The activations of the last forward pass, in the order they were computed.</summary>
    public IReadOnlyList<RecordedActivation> Activations => _activations.Count == _next ? _activations : _activations.GetRange(0, _next);

    /// <summary>The activation of the tensor named <paramref name="name"/> in the generated code (see the network's ActivationTable).</summary>
    public RecordedActivation this[string name] =>
        Activations.FirstOrDefault(a => a.Tensor.Name == name)
        ?? throw new KeyNotFoundException($"No activation named '{name}' was recorded. Recorded: {string.Join(", ", Activations.Select(a => a.Tensor.Name))}.");

    /// <summary>Copies row <see cref="Sample"/> of <paramref name="values"/>; called by the network during its forward pass.</summary>
    public void Observe(TensorInfo tensor, ReadOnlySpan<float> values, int batch)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (Sample >= batch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"The recorder keeps sample {Sample}, but the batch has only {batch} samples.");
        int size = tensor.Size;
        if (values.Length < batch * size)
            throw new ArgumentException($"Activation {tensor.Name} should hold {batch} × {size} floats but holds {values.Length}.", nameof(values));
        // The first activation of a new forward pass starts the list again.
        if (_next > 0 && _activations[0].Tensor == tensor) _next = 0;
        if (_next < _activations.Count && _activations[_next].Tensor == tensor)
            values.Slice(Sample * size, size).CopyTo(_activations[_next].Values);
        else
        {
            _activations.RemoveRange(_next, _activations.Count - _next);
            _activations.Add(new RecordedActivation(tensor, values.Slice(Sample * size, size).ToArray()));
        }
        _next++;
    }
}
