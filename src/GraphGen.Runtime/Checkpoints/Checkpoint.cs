namespace GraphGen;

/// <summary>
/// Saves and loads a network's parameters, and optionally its optimizer's state, as
/// safetensors. Parameters are stored under their table names in PyTorch's layouts, so a
/// file saved without an optimizer is a PyTorch state_dict
/// (<c>model.load_state_dict(safetensors.torch.load_file(path))</c>) and a state_dict saved by
/// PyTorch (F32, F16, BF16 or F64) loads here.
/// </summary>
/// <remarks>
/// Optimizer state is stored as "optimizer.&lt;parameter&gt;.&lt;state&gt;" tensors with the
/// parameter's shape, and the step count and a description of the optimizer as metadata
/// (see <see cref="CheckpointMetadata"/>).
/// </remarks>
public static partial class Checkpoint
{
    /// <summary>
    /// Writes every parameter of <paramref name="network"/>, the state of
    /// <paramref name="optimizer"/> when given, and <paramref name="metadata"/> to
    /// <paramref name="path"/>. The file is replaced atomically: a failure leaves the previous
    /// checkpoint intact. The same values always give byte-identical files.
    /// </summary>
    /// <remarks>
    /// A parameter, state value or optimizer state that is NaN or infinite is refused before
    /// anything is written: a diverged run must not replace the last good checkpoint with one
    /// that <see cref="Load"/> would refuse. (To keep such values for a post-mortem, write them
    /// with <see cref="SafetensorsWriter.Write"/>, which checks no values.) A process killed
    /// mid-save leaves a hidden temporary file beside the checkpoint; the next save of the same
    /// checkpoint removes it (docs/reliability.md says exactly which files).
    /// </remarks>
    /// <exception cref="NonFiniteValueException">A value to be saved is NaN or infinite; the message names the tensor and element.</exception>
    /// <exception cref="IOException">The file cannot be written; the previous file, if any, is unchanged.</exception>
    /// <param name="path">The file to write; its directory must exist.</param>
    /// <param name="network">The network whose parameters and state are saved.</param>
    /// <param name="optimizer">The optimizer whose state and step count are saved too, or null.</param>
    /// <param name="metadata">The caller's own string metadata (keys other than GraphGen's, see <see cref="CheckpointMetadata"/>).</param>
    public static void Save(string path, INetwork network, Optimizer? optimizer = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(network);
        var table = network.ParameterTable;
        CheckArena(network);

        var tensors = new List<SafetensorsTensor>(table.Count);
        foreach (var p in table.Parameters)
        {
            CheckFinite(path, network, p.Name, p.Shape, network.Parameters.Slice(p.Offset, p.Count));
            tensors.Add(new SafetensorsTensor(p.Name, p.Shape, () => network.Parameters.Slice(p.Offset, p.Count)));
        }
        // Non-trainable state (BatchNorm running statistics) is part of the model, as in a PyTorch state_dict.
        foreach (var p in network.StateTable.Parameters)
        {
            CheckFinite(path, network, p.Name, p.Shape, network.State.Slice(p.Offset, p.Count));
            tensors.Add(new SafetensorsTensor(p.Name, p.Shape, () => network.State.Slice(p.Offset, p.Count)));
        }

        if (optimizer is not null)
        {
            // A fresh optimizer has no buffers yet; its state is then the zeros it would start from.
            optimizer.EnsureState(table.TotalCount);
            foreach (var (state, values) in optimizer.State)
            {
                if (values.Length != table.TotalCount)
                    throw new ArgumentException($"Optimizer state '{state}' holds {values.Length} floats but network '{network.Name}' has {table.TotalCount} parameters.", nameof(optimizer));
                foreach (var p in table.Parameters)
                {
                    string name = CheckpointMetadata.OptimizerTensorName(p.Name, state);
                    CheckFinite(path, network, name, p.Shape, values.AsSpan(p.Offset, p.Count));
                    tensors.Add(new SafetensorsTensor(name, p.Shape, values.AsMemory(p.Offset, p.Count)));
                }
            }
        }

        SafetensorsWriter.Write(path, tensors, CheckpointMetadata.Build(network, optimizer, metadata));
    }

    /// <summary>
    /// Every tensor of a safetensors file, converted to float, by name (for tools and tests).
    /// The values are returned as they are, NaN and infinity included, whatever the format
    /// version: this is how to look into a file that <see cref="Load"/> refuses.
    /// </summary>
    /// <param name="path">The safetensors file.</param>
    /// <exception cref="CheckpointException">The file is damaged or cannot be opened.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyDictionary<string, CheckpointTensor> ReadTensors(string path)
    {
        using var file = SafetensorsFile.Open(path);
        var tensors = new Dictionary<string, CheckpointTensor>(file.Tensors.Count, StringComparer.Ordinal);
        foreach (var t in file.Tensors) tensors.Add(t.Name, new CheckpointTensor(t.Shape, file.Read(t)));
        return tensors;
    }

    /// <summary>The metadata of a safetensors file (network name, optimizer, step count, and the caller's own keys).</summary>
    /// <param name="path">The safetensors file.</param>
    /// <exception cref="CheckpointException">The file is damaged or cannot be opened.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Metadata;
    }

    private static void CheckFinite(string path, INetwork network, string tensor, int[] shape, ReadOnlySpan<float> values)
    {
        int bad = FiniteValues.IndexOfNonFinite(values);
        if (bad < 0) return;
        throw new NonFiniteValueException(
            $"Checkpoint '{path}', tensor '{tensor}' of network '{network.Name}': {FiniteValues.Describe(bad, shape, values[bad])}, so nothing was saved and the file there (if any) is unchanged. "
            + "The training diverged: load the last good checkpoint and lower the learning rate, clip gradients, or check the inputs for NaN.");
    }

    private static void CheckArena(INetwork network)
    {
        if (network.State.Length != network.StateTable.TotalCount)
            throw new ArgumentException($"Network '{network.Name}' has a state arena of {network.State.Length} floats but its state table describes {network.StateTable.TotalCount}.", nameof(network));
        int length = network.Parameters.Length;
        if (length != network.ParameterTable.TotalCount)
            throw new ArgumentException($"Network '{network.Name}' has a parameter arena of {length} floats but its table describes {network.ParameterTable.TotalCount}.", nameof(network));
    }
}
