namespace GraphGen;

/// <summary>
/// What a non-strict <see cref="Checkpoint.Load"/> skipped, as PyTorch's <c>load_state_dict</c>
/// reports it: parameters the file lacks (left unchanged) and tensors the network lacks
/// (ignored). A strict load throws instead, so both lists are then empty.
/// </summary>
public sealed record CheckpointLoadResult(IReadOnlyList<string> MissingTensors, IReadOnlyList<string> UnexpectedTensors)
{
    /// <summary>True when every parameter was loaded and every tensor was used.</summary>
    public bool IsExactMatch => MissingTensors.Count == 0 && UnexpectedTensors.Count == 0;
}
