using GraphGen.Generator.Graphs;

namespace GraphGen.Generator.Planning;

internal enum BufferRole
{
    /// <summary>A forward activation.</summary>
    Activation,
    /// <summary>dLoss/d(activation).</summary>
    Gradient,
    /// <summary>dLoss/dInput, kept after the step for the caller.</summary>
    InputGradient,
    /// <summary>Values an op saves for its backward pass (a dropout mask, pooling argmax, normalisation statistics).</summary>
    Saved,
    /// <summary>A forward activation in the channel-blocked layout, written at inference only (<see cref="ChannelBlocking"/>).</summary>
    Blocked,
}

/// <summary>A tensor that lives in the arena: <see cref="Width"/> floats per sample, for up to the batch capacity.</summary>
internal sealed record Buffer(int Id, string Name, int Width, BufferRole Role, Node Node)
{
    /// <summary>Offset in floats per sample: the buffer starts at Offset × capacity (set by memory planning).</summary>
    public int Offset { get; init; } = -1;

    /// <summary>First and last step (in training order) that touch the buffer (set by memory planning).</summary>
    public int FirstStep { get; init; } = int.MaxValue;
    public int LastStep { get; init; } = -1;

    /// <summary>
    /// A buffer whose size does not scale with the batch (<see cref="Width"/> is then its total
    /// size, e.g. per-channel batch statistics); it lives in a separate region, not shared.
    /// </summary>
    public bool Fixed { get; init; }

    /// <summary>Holds ints (pooling argmax) in the float arena's storage.</summary>
    public bool Integer { get; init; }

    /// <summary>True when fusion removed every step that touched the buffer: it gets no arena space.</summary>
    public bool Unused { get; init; }

    /// <summary>Kept alive to the end of the step (the output and dLoss/dInput, which callers read).</summary>
    public bool Pinned { get; init; }

    /// <summary>
    /// The buffer whose floats this one is another name for (<see cref="CopyElision"/>: a copy that
    /// never needed to be made), or −1. It is not placed: the memory plan gives it its root's offset
    /// and keeps the root alive as long as either is used.
    /// </summary>
    public int AliasOf { get; init; } = -1;
}
