namespace GraphGen;

/// <summary>
/// Everything about a generated network that is fixed at compile time and that the runtime needs
/// to run it: sizes per sample, the parameter and state tables, the activations an observer sees,
/// the width of the planned arena and where the outputs lie in it. The generator emits one as the
/// static <c>Layout</c> of each network class; <see cref="CompiledNetwork"/> allocates from it.
/// </summary>
public sealed class NetworkLayout
{
    /// <summary>The class name of the network.</summary>
    public required string Name { get; init; }

    /// <summary>The per-sample shape of the input (its [Shape]).</summary>
    public required int[] InputShape { get; init; }

    /// <summary>Floats per sample of the input.</summary>
    public int InputSize => Product(InputShape);

    /// <summary>Floats per sample of every output [Forward] returns, in order; the first is "the" output.</summary>
    public required int[] OutputSizes { get; init; }

    /// <summary>Floats per sample of the (first) output.</summary>
    public int OutputSize => OutputSizes[0];

    /// <summary>Where each output lies in the arena after a forward pass, in <see cref="OutputSizes"/> order.</summary>
    public required ArenaSlice[] Outputs { get; init; }

    /// <summary>Targets per sample (1 for a class label); 0 for a network without a [Loss].</summary>
    public int TargetSize { get; init; }

    /// <summary>Classes of an integer-label target; 0 for real-valued targets.</summary>
    public int ClassCount { get; init; }

    /// <summary>The label the loss skips (padding), or null when every label counts.</summary>
    public int? IgnoredLabel { get; init; }

    /// <summary>Names, PyTorch layouts, offsets and initialisation of the parameters.</summary>
    public required ParameterTable Parameters { get; init; }

    /// <summary>The non-trainable state (BatchNorm running statistics), saved with the parameters.</summary>
    public ParameterTable State { get; init; } = ParameterTable.Empty;

    /// <summary>The activations the forward pass stores, in order: what an <see cref="IActivationObserver"/> sees.</summary>
    public TensorInfo[] Activations { get; init; } = [];

    /// <summary>Floats per sample of the activation/gradient arena (the memory plan's width).</summary>
    public required int ArenaWidth { get; init; }

    /// <summary>Floats of buffers that do not scale with the batch (per-channel statistics).</summary>
    public int FixedSize { get; init; }

    /// <summary>Where dLoss/dInput lies in the arena after a backward pass ([Network(InputGradient = true)]), or null.</summary>
    public ArenaSlice? InputGradient { get; init; }

    /// <summary>True when the network draws random numbers (dropout, sampling) from (seed, op, pass counter).</summary>
    public bool Stochastic { get; init; }

    /// <summary>Parameters in all (the length of the parameter arena).</summary>
    public int ParameterCount => Parameters.TotalCount;

    private static int Product(int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }
}

/// <summary>A buffer of the memory plan: it starts at <see cref="Offset"/> × capacity and holds <see cref="Width"/> floats per sample.</summary>
/// <param name="Offset">Offset in floats per sample.</param>
/// <param name="Width">Floats per sample.</param>
public readonly record struct ArenaSlice(int Offset, int Width);
