namespace GraphGen;

/// <summary>
/// A network's passes running on another device than the CPU (a GPU, through the GraphGen.Gpu
/// package, which generates one per network). While one is attached (<c>UseDevice</c> on a
/// generated network), <see cref="CompiledNetwork"/> sends every call to it, and the device holds
/// the parameters, gradients, optimizer state and arena; the host copies are refreshed only when
/// read (<see cref="CompiledNetwork.Parameters"/>, <see cref="TrainableNetwork{TTarget}.Gradients"/>,
/// <see cref="Optimizer.State"/>, <see cref="CompiledNetwork.LastOutput"/>), and a host copy that
/// may have been written is sent back before the next call.
/// </summary>
public abstract class DeviceExecution : IDisposable
{
    /// <summary>The device, in words (e.g. "cuda: NVIDIA H200" or "ilgpu-cpu").</summary>
    public abstract string DeviceName { get; }

    /// <summary>Copies parameters and non-trainable state from the host to the device.</summary>
    protected internal abstract void Upload(ReadOnlySpan<float> parameters, ReadOnlySpan<float> state);

    /// <summary>Copies parameters and non-trainable state from the device to the host.</summary>
    protected internal abstract void Download(Span<float> parameters, Span<float> state);

    /// <summary>Uploads a checked batch of <paramref name="input"/> and runs the forward pass; <paramref name="observer"/>, when given, sees every stored activation.</summary>
    protected internal abstract void Forward(ReadOnlySpan<float> input, int batch, bool training, IActivationObserver? observer);

    /// <summary>Copies output <paramref name="index"/> of the last forward pass (batch × its size) to <paramref name="destination"/>.</summary>
    protected internal abstract void DownloadOutput(int index, int batch, Span<float> destination);

    /// <summary>Releases the device memory.</summary>
    public abstract void Dispose();
}

/// <summary>The passes of a network with a [Loss] on a device: loss, gradients and the optimizer's update.</summary>
/// <typeparam name="TTarget"><see cref="int"/> labels or <see cref="float"/> targets.</typeparam>
public abstract class DeviceExecution<TTarget> : DeviceExecution where TTarget : unmanaged
{
    /// <summary>
    /// Uploads the targets and runs the loss (after a forward pass), with its gradient and the
    /// backward pass when <paramref name="withGradient"/>; downloads only the loss.
    /// </summary>
    protected internal abstract float LossAndGradients(ReadOnlySpan<TTarget> targets, int batch, bool withGradient);

    /// <summary>Applies one update of <paramref name="optimizer"/> (its hyperparameters and step count as they are now) to the device's parameters.</summary>
    protected internal abstract void Step(Optimizer optimizer);

    /// <summary>Copies the gradient arena to the host.</summary>
    protected internal abstract void DownloadGradients(Span<float> gradients);

    /// <summary>Copies dLoss/dInput of the last backward pass (batch × InputSize) to the host.</summary>
    protected internal abstract void DownloadInputGradient(int batch, Span<float> destination);
}
