using System.Runtime.InteropServices;

namespace GraphGen;

/// <summary>
/// The fixed part of a generated network with a [Loss]: the gradient arena, the checks of inputs
/// and targets, and <see cref="ComputeLoss"/>, <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{TTarget})"/> and
/// <see cref="TrainStep"/>. The generated class supplies the loss (<see cref="RunLoss"/>) and the
/// backward pass (<see cref="RunBackward"/>).
/// </summary>
/// <typeparam name="TTarget"><see cref="int"/> for class labels, <see cref="float"/> for real-valued targets.</typeparam>
public abstract class TrainableNetwork<TTarget> : CompiledNetwork, ITrainableNetwork<TTarget> where TTarget : unmanaged
{
    private readonly AlignedBuffer _gradients;

    /// <inheritdoc/>
    protected TrainableNetwork(NetworkLayout layout, NetworkDescription description, int batchCapacity, int seed)
        : base(layout, description, batchCapacity, seed)
    {
        if (typeof(TTarget) != typeof(int) && typeof(TTarget) != typeof(float))
            throw new NotSupportedException($"{layout.Name}: targets are int class labels or float values, not {typeof(TTarget).Name}.");
        _gradients = new AlignedBuffer(layout.ParameterCount);
    }

    /// <inheritdoc/>
    public int TargetSize => NetworkLayout.TargetSize;

    /// <summary>Classes of the labels (0 for real-valued targets).</summary>
    public int ClassCount => NetworkLayout.ClassCount;

    /// <inheritdoc/>
    public int? IgnoredLabel => NetworkLayout.IgnoredLabel;

    /// <summary>dLoss/dParameters from the last ComputeGradients or TrainStep, laid out like <see cref="CompiledNetwork.Parameters"/> (copied from the device first when the network runs on one).</summary>
    public ReadOnlySpan<float> Gradients
    {
        get
        {
            if (_gradientsOnDevice && DeviceRun is DeviceExecution<TTarget> device)
            {
                device.DownloadGradients(_gradients.Span);
                _gradientsOnDevice = false;
            }
            return _gradients.Span;
        }
    }

    /// <summary>The device computed gradients the host copy does not have yet.</summary>
    private bool _gradientsOnDevice;

    /// <inheritdoc/>
    public float ComputeLoss(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets)
    {
        Enter();
        try
        {
            int batch = CheckBatch(input, targets);
            Run(input, batch, training: false);
            if (NetworkLayout.Stochastic) EvaluationSteps++;
            return Loss(targets, batch, withGradient: false);
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc/>
    public float ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets)
    {
        Enter();
        try
        {
            return ForwardLossBackward(input, targets);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{TTarget})"/> that also shows every activation of its
    /// training-mode forward pass to <paramref name="observer"/> (batch statistics, dropout masks
    /// applied): the values the backward pass starts from, e.g. to check a hand-written backward pass.
    /// </summary>
    public float ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets, IActivationObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Observer = observer;
        try
        {
            return ComputeGradients(input, targets);
        }
        finally
        {
            Observer = null;
        }
    }

    /// <inheritdoc/>
    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Enter();
        try
        {
            float loss = ForwardLossBackward(input, targets);
            if (DeviceRun is DeviceExecution<TTarget> device)
            {
                device.Step(optimizer);
                DeviceChangedParameters();
            }
            else optimizer.Step(Parameters, _gradients.Span);
            return loss;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>The loss and, when <paramref name="withGradient"/>, its gradient: the start of backpropagation. Returns the total loss.</summary>
    protected abstract float RunLoss(ReadOnlySpan<TTarget> targets, int batch, bool withGradient);

    /// <summary>The backward pass: the graph walked in reverse, from the loss's gradient to every parameter's.</summary>
    protected abstract void RunBackward(ReadOnlySpan<float> input, int batch);

    /// <summary>A parameter's slice of the gradient arena.</summary>
    protected Span<float> GradientView(int offset, int count) => _gradients.Slice(offset, count);

    /// <summary>dLoss/dInput from the last ComputeGradients or TrainStep (batch × InputSize), for networks declared with [Network(InputGradient = true)].</summary>
    protected ReadOnlySpan<float> InputGradientView
    {
        get
        {
            if (NetworkLayout.InputGradient is not { } slice)
                throw new InvalidOperationException($"{Name} does not compute dLoss/dInput: declare it with [Network(InputGradient = true)].");
            var view = ArenaView(slice.Offset, LastBatch * slice.Width);
            (DeviceRun as DeviceExecution<TTarget>)?.DownloadInputGradient(LastBatch, view);
            return view;
        }
    }

    private float ForwardLossBackward(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets)
    {
        int batch = CheckBatch(input, targets);
        Run(input, batch, training: true);
        float loss = Loss(targets, batch, withGradient: true, input);
        if (NetworkLayout.Stochastic) TrainingSteps++;
        return loss;
    }

    /// <summary>The loss after a forward pass and, when <paramref name="withGradient"/>, the backward pass from it.</summary>
    private float Loss(ReadOnlySpan<TTarget> targets, int batch, bool withGradient, ReadOnlySpan<float> input = default)
    {
        float loss;
        if (DeviceRun is DeviceExecution<TTarget> device)
        {
            loss = device.LossAndGradients(targets, batch, withGradient);
            _gradientsOnDevice |= withGradient;
        }
        else
        {
            loss = RunLoss(targets, batch, withGradient);
            if (withGradient) RunBackward(input, batch);
        }
        if (CheckFinite) NetworkGuard.Finite(Name, "loss", loss);
        return loss;
    }

    private int CheckBatch(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets)
    {
        int batch = NetworkGuard.BatchOf(Name, input, InputSize, BatchCapacity);
        if (typeof(TTarget) == typeof(int))
            NetworkGuard.Labels(Name, MemoryMarshal.Cast<TTarget, int>(targets), batch * TargetSize, ClassCount, IgnoredLabel);
        else
            NetworkGuard.Targets(Name, targets, batch, TargetSize);
        if (CheckFinite)
        {
            NetworkGuard.Finite(Name, "input", input);
            if (typeof(TTarget) == typeof(float)) NetworkGuard.Finite(Name, "target", MemoryMarshal.Cast<TTarget, float>(targets));
        }
        return batch;
    }
}
