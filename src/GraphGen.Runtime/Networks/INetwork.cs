namespace GraphGen;

/// <summary>
/// What every generated network offers for inference. The batch is the one run-time
/// dimension: any batch from 1 up to <see cref="BatchCapacity"/> rows, given implicitly by
/// the length of the input span.
/// </summary>
public interface INetwork
{
    /// <summary>The class name of the network.</summary>
    string Name { get; }

    /// <summary>Floats per sample of the input (the product of its [Shape]).</summary>
    int InputSize { get; }

    /// <summary>Floats per sample of the output.</summary>
    int OutputSize { get; }

    /// <summary>The largest batch the preallocated arena can hold.</summary>
    int BatchCapacity { get; }

    /// <summary>Names, PyTorch layouts and offsets of the parameters.</summary>
    ParameterTable ParameterTable { get; }

    /// <summary>The parameter arena: every parameter, contiguous, in table order.</summary>
    Span<float> Parameters { get; }

    /// <summary>Non-trainable state saved with the parameters (BatchNorm running statistics; PyTorch's "buffers"). Empty for most networks.</summary>
    ParameterTable StateTable => ParameterTable.Empty;

    /// <summary>The state values, laid out as <see cref="StateTable"/>.</summary>
    Span<float> State => [];

    /// <summary>
    /// When true, inputs, targets and the loss are checked for NaN and infinity and a
    /// <see cref="NonFiniteValueException"/> names the first offender. Off by default: it
    /// costs one pass over the data.
    /// </summary>
    bool CheckFinite { get; set; }

    /// <summary>Inference: output = f(input) for input.Length / InputSize samples.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// Inference that also shows every stored activation to <paramref name="observer"/> as it is
    /// computed. Generated networks implement it; the default observes nothing.
    /// </summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output, IActivationObserver observer) => Forward(input, output);

    /// <summary>The activations a forward pass stores, in the order it computes them.</summary>
    IReadOnlyList<TensorInfo> Activations => [];

    /// <summary>
    /// The layer-by-layer summary: each tensor's op, output shape and parameter count, and the loss
    /// (generated networks); for other implementations, one line of sizes.
    /// </summary>
    string Summary => $"{Name}: {InputSize} inputs → {OutputSize} outputs per sample, {ParameterTable.TotalCount:N0} parameters";
}

/// <summary>
/// A network with a [Loss]: computes the loss, its gradients, and trains.
/// <typeparamref name="TTarget"/> is <see cref="int"/> for class labels and
/// <see cref="float"/> for real-valued targets.
/// </summary>
public interface ITrainableNetwork<TTarget> : INetwork where TTarget : unmanaged
{
    /// <summary>Targets per sample: 1 for a class label, else the product of the target's [Shape].</summary>
    int TargetSize { get; }

    /// <summary>
    /// The label that the loss skips (padding positions of a sequence), declared as
    /// <c>SoftmaxCrossEntropy(z, y, ignoreLabel: -1)</c>; null when every label counts.
    /// </summary>
    int? IgnoredLabel => null;

    /// <summary>The gradient arena, laid out like <see cref="INetwork.Parameters"/>; filled by <see cref="ComputeGradients"/>.</summary>
    ReadOnlySpan<float> Gradients { get; }

    /// <summary>The output of the last forward pass (batch × OutputSize), valid until the next call.</summary>
    ReadOnlySpan<float> LastOutput { get; }

    /// <summary>Forward pass and loss only (no gradients): the mean loss over the batch.</summary>
    float ComputeLoss(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets);

    /// <summary>Forward, loss and backward: fills <see cref="Gradients"/> and returns the mean loss.</summary>
    float ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets);

    /// <summary><see cref="ComputeGradients"/> followed by one optimizer update; returns the loss before the update.</summary>
    float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets, Optimizer optimizer);
}

/// <summary>A network declared with [Network(InputGradient = true)]: its backward pass also yields dLoss/dInput.</summary>
public interface IInputGradientNetwork
{
    /// <summary>dLoss/dInput of the last <c>ComputeGradients</c> call (batch × InputSize).</summary>
    ReadOnlySpan<float> InputGradient { get; }
}
