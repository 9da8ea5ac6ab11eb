using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu;

/// <summary>
/// The device half of a generated network: what the generator emits for the GPU derives from it and
/// supplies the passes (<see cref="RunForward"/>, <see cref="RunLoss"/>, <see cref="RunBackward"/>),
/// which launch a runtime GPU kernel for each step of the same kernel plan the CPU code runs, or a
/// kernel generated for the step (a fused elementwise chain). The program owns the device copies:
/// parameters, gradients, non-trainable state, the arena laid out by the same memory plan, and room
/// for one batch of inputs and targets. A training step uploads the batch and downloads the loss
/// terms, nothing else; everything else stays on the device until the host asks for it.
/// </summary>
/// <typeparam name="TTarget"><see cref="int"/> labels or <see cref="float"/> targets (<see cref="float"/> for a network without a [Loss]).</typeparam>
public abstract class GpuProgram<TTarget> : DeviceExecution<TTarget> where TTarget : unmanaged
{
    private readonly CompiledNetwork _network;
    private readonly NetworkLayout _layout;
    private readonly int _capacity;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _parameters, _gradients, _arena, _fixed, _state, _input, _losses;
    private readonly MemoryBuffer1D<TTarget, Stride1D.Dense> _targets;
    private readonly float[] _lossTerms;
    private IActivationObserver? _observer;
    private readonly DeviceOptimizers _optimizers;

    /// <summary>Allocates the device copies of <paramref name="network"/>'s arenas.</summary>
    /// <param name="network">The network whose passes this program runs.</param>
    /// <param name="layout">Its compile-time layout.</param>
    /// <param name="device">Where to run.</param>
    /// <param name="lossTerms">The number of loss terms RunLoss writes (0 without a [Loss]).</param>
    protected GpuProgram(CompiledNetwork network, NetworkLayout layout, GpuDevice device, int lossTerms)
    {
        _network = network;
        _layout = layout;
        Device = device;
        _capacity = network.BatchCapacity;
        var a = device.Accelerator;
        _parameters = a.Allocate1D<float>(Math.Max(1, layout.ParameterCount));
        _gradients = a.Allocate1D<float>(Math.Max(1, layout.ParameterCount));
        _arena = a.Allocate1D<float>(Math.Max(1, (long)_capacity * layout.ArenaWidth));
        _fixed = a.Allocate1D<float>(Math.Max(1, layout.FixedSize));
        _state = a.Allocate1D<float>(Math.Max(1, layout.State.TotalCount));
        _input = a.Allocate1D<float>(Math.Max(1, (long)_capacity * layout.InputSize));
        _targets = a.Allocate1D<TTarget>(Math.Max(1, (long)_capacity * Math.Max(1, layout.TargetSize)));
        _losses = a.Allocate1D<float>(Math.Max(1, lossTerms));
        _lossTerms = new float[lossTerms];
        _optimizers = new DeviceOptimizers(device, layout.ParameterCount);
        _arena.MemSetToZero();
        _gradients.MemSetToZero();
    }

    /// <summary>The device the passes run on.</summary>
    protected GpuDevice Device { get; }

    /// <inheritdoc/>
    public override string DeviceName => Device.Name;

    /// <summary>The seed of the network's random streams (dropout, sampling).</summary>
    protected ulong Seed => _network.Seed;

    /// <summary>Training forward passes so far (selects dropout masks and noise).</summary>
    protected long TrainingSteps => _network.TrainingSteps;

    /// <summary>Inference passes so far.</summary>
    protected long EvaluationSteps => _network.EvaluationSteps;

    /// <summary>Buffer <paramref name="offset"/> of the memory plan on the device: it starts at offset × capacity.</summary>
    protected ArrayView<float> ArenaView(int offset, int length) => _arena.View.SubView((long)offset * _capacity, length);

    /// <summary>A parameter's slice of the device parameter arena.</summary>
    protected ArrayView<float> ParameterView(int offset, int count) => _parameters.View.SubView(offset, count);

    /// <summary>A parameter's slice of the device gradient arena.</summary>
    protected ArrayView<float> GradientView(int offset, int count) => _gradients.View.SubView(offset, count);

    /// <summary>A slice of the device's non-trainable state.</summary>
    protected ArrayView<float> StateView(int offset, int count) => _state.View.SubView(offset, count);

    /// <summary>A buffer that does not scale with the batch.</summary>
    protected ArrayView<float> FixedView(int offset, int count) => _fixed.View.SubView(offset, count);

    /// <summary>The uploaded batch of inputs.</summary>
    protected ArrayView<float> InputView(int batch) => _input.View.SubView(0, (long)batch * _layout.InputSize);

    /// <summary>The uploaded batch of targets (labels or values).</summary>
    protected ArrayView<TTarget> TargetView(int batch) => _targets.View.SubView(0, (long)batch * _layout.TargetSize);

    /// <summary>The device slot of loss term <paramref name="index"/>.</summary>
    protected ArrayView<float> LossTerm(int index) => _losses.View.SubView(index, 1);

    // One launcher per arity: generated kernels take one view per operand.
    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>> kernel, int count, ArrayView<float> a0)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>>, Action<Index1D, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0);
    }

    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>, ArrayView<float>> kernel, int count, ArrayView<float> a0, ArrayView<float> a1)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>>, Action<Index1D, ArrayView<float>, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0, a1);
    }

    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel, int count, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0, a1, a2);
    }

    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel, int count, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0, a1, a2, a3);
    }

    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel, int count, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0, a1, a2, a3, a4);
    }

    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel, int count, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, ArrayView<float> a5)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0, a1, a2, a3, a4, a5);
    }

    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel, int count, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, ArrayView<float> a5, ArrayView<float> a6)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0, a1, a2, a3, a4, a5, a6);
    }

    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel, int count, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, ArrayView<float> a5, ArrayView<float> a6, ArrayView<float> a7)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel, int count, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, ArrayView<float> a5, ArrayView<float> a6, ArrayView<float> a7, ArrayView<float> a8)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0, a1, a2, a3, a4, a5, a6, a7, a8);
    }

    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel, int count, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, ArrayView<float> a5, ArrayView<float> a6, ArrayView<float> a7, ArrayView<float> a8, ArrayView<float> a9)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
    }

    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel, int count, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, ArrayView<float> a5, ArrayView<float> a6, ArrayView<float> a7, ArrayView<float> a8, ArrayView<float> a9, ArrayView<float> a10)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10);
    }

    /// <summary>Launches a generated kernel over <paramref name="count"/> threads.</summary>
    protected void Launch(Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel, int count, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, ArrayView<float> a5, ArrayView<float> a6, ArrayView<float> a7, ArrayView<float> a8, ArrayView<float> a9, ArrayView<float> a10, ArrayView<float> a11)
    {
        if (count == 0) return;
        Device.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>>(kernel, static (a, k) => a.LoadAutoGroupedStreamKernel(k))(count, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
    }

    /// <summary>The forward pass: every activation, in graph order.</summary>
    protected abstract void RunForward(int batch, bool training);

    /// <summary>The loss terms into <see cref="LossTerm"/>, and the gradient that starts backpropagation when <paramref name="withGradient"/>.</summary>
    protected virtual void RunLoss(int batch, bool withGradient) =>
        throw new InvalidOperationException($"{_layout.Name} declares no [Loss] method.");

    /// <summary>The total loss from the downloaded terms, as the CPU code adds them.</summary>
    protected virtual float TotalLoss(ReadOnlySpan<float> terms) =>
        throw new InvalidOperationException($"{_layout.Name} declares no [Loss] method.");

    /// <summary>The backward pass.</summary>
    protected virtual void RunBackward(int batch) =>
        throw new InvalidOperationException($"{_layout.Name} declares no [Loss] method.");

    /// <summary>
    /// Whether an activation observer watches the call in progress: inference then stores every
    /// activation the graph names, including those its fusions would not store.
    /// </summary>
    protected bool Observing => _observer is not null;

    /// <summary>Shows activation <paramref name="index"/> to the observer, if any (downloaded: observing costs a copy per activation).</summary>
    protected void Observe(int index, ArrayView<float> values, int batch)
    {
        if (_observer is null) return;
        var host = new float[values.Length];
        values.CopyToCPU(host);
        _observer.Observe(_layout.Activations[index], host, batch);
    }

    /// <inheritdoc/>
    protected internal override void Upload(ReadOnlySpan<float> parameters, ReadOnlySpan<float> state)
    {
        if (parameters.Length > 0) ParameterView(0, parameters.Length).CopyFromCPU(parameters);
        if (state.Length > 0) StateView(0, state.Length).CopyFromCPU(state);
    }

    /// <inheritdoc/>
    protected internal override void Download(Span<float> parameters, Span<float> state)
    {
        if (parameters.Length > 0) ParameterView(0, parameters.Length).CopyToCPU(parameters);
        if (state.Length > 0) StateView(0, state.Length).CopyToCPU(state);
    }

    /// <inheritdoc/>
    protected internal override void Forward(ReadOnlySpan<float> input, int batch, bool training, IActivationObserver? observer)
    {
        InputView(batch).CopyFromCPU(input[..(batch * _layout.InputSize)]);
        _observer = observer;
        try
        {
            RunForward(batch, training);
        }
        finally
        {
            _observer = null;
        }
    }

    /// <inheritdoc/>
    protected internal override void DownloadOutput(int index, int batch, Span<float> destination)
    {
        var slice = _layout.Outputs[index];
        ArenaView(slice.Offset, batch * slice.Width).CopyToCPU(destination[..(batch * slice.Width)]);
    }

    /// <inheritdoc/>
    protected internal override float LossAndGradients(ReadOnlySpan<TTarget> targets, int batch, bool withGradient)
    {
        TargetView(batch).CopyFromCPU(targets[..(batch * _layout.TargetSize)]);
        RunLoss(batch, withGradient);
        if (withGradient) RunBackward(batch);
        if (_lossTerms.Length > 0) ((ArrayView<float>)_losses.View).SubView(0, _lossTerms.Length).CopyToCPU(_lossTerms);
        return TotalLoss(_lossTerms);
    }

    /// <inheritdoc/>
    protected internal override void Step(Optimizer optimizer) => _optimizers.Step(optimizer, _parameters.View, _gradients.View);

    /// <inheritdoc/>
    protected internal override void DownloadGradients(Span<float> gradients)
    {
        if (gradients.Length > 0) GradientView(0, gradients.Length).CopyToCPU(gradients);
    }

    /// <inheritdoc/>
    protected internal override void DownloadInputGradient(int batch, Span<float> destination)
    {
        if (_layout.InputGradient is not { } slice) return;
        ArenaView(slice.Offset, batch * slice.Width).CopyToCPU(destination[..(batch * slice.Width)]);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _optimizers.Dispose();
        foreach (var buffer in new MemoryBuffer[] { _parameters, _gradients, _arena, _fixed, _state, _input, _targets, _losses }) buffer.Dispose();
    }
}
