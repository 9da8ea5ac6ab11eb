namespace GraphGen;

/// <summary>
/// The part of a generated network that is the same for every network, as the Regex
/// generator's runner base holds what every generated regex shares: the parameter, activation
/// and state arenas allocated from the <see cref="NetworkLayout"/>, argument checks, the public
/// inference API and the guard against concurrent use. The generated class supplies the forward
/// pass (<see cref="RunForward"/>), and the loss and backward pass when it can train
/// (<see cref="TrainableNetwork{TTarget}"/>).
/// </summary>
/// <remarks>
/// Thread safety: a network instance owns one arena of activations, so it serves one call at a
/// time. A second call that starts while one is running (another thread, or an activation
/// observer calling back into the network) throws <see cref="InvalidOperationException"/> naming
/// the network, instead of silently mixing two batches in one arena. Use one instance per thread.
/// </remarks>
public abstract class CompiledNetwork : INetwork
{
    private readonly NetworkLayout _layout;
    private readonly NetworkDescription _description;
    private readonly AlignedBuffer _parameters;
    private readonly AlignedBuffer _arena;
    private readonly AlignedBuffer? _fixed;
    private readonly float[] _state;
    private readonly int _capacity;
    private IActivationObserver? _observer;
    private int _busy;
    private DeviceExecution? _device;
    /// <summary>The device has parameters or state newer than the host copy.</summary>
    private bool _hostStale;
    /// <summary>The host copy was handed out since the last upload and may have been written.</summary>
    private bool _deviceStale;

    /// <summary>Allocates the arenas for <paramref name="batchCapacity"/> samples and initialises the parameters from <paramref name="seed"/>.</summary>
    /// <param name="layout">The network's compile-time layout (its generated static <c>Layout</c>).</param>
    /// <param name="description">The network's summary and graphs (its generated static <c>Description</c>).</param>
    /// <param name="batchCapacity">The largest batch any call will pass; the arena is allocated once for it.</param>
    /// <param name="seed">Seed of the parameter initialisation and of the network's random streams (dropout, sampling).</param>
    protected CompiledNetwork(NetworkLayout layout, NetworkDescription description, int batchCapacity, int seed)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(description);
        if (batchCapacity < 1)
            throw new ArgumentOutOfRangeException(nameof(batchCapacity), batchCapacity, $"{layout.Name}: the batch capacity must be at least 1.");
        if ((long)batchCapacity * layout.ArenaWidth > AlignedBuffer.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(batchCapacity), batchCapacity, $"{layout.Name}: the arena for this batch capacity would exceed the largest .NET array; use a smaller capacity.");
        _layout = layout;
        _description = description;
        _capacity = batchCapacity;
        _parameters = new AlignedBuffer(layout.ParameterCount);
        _arena = new AlignedBuffer(batchCapacity * layout.ArenaWidth);
        if (layout.FixedSize > 0) _fixed = new AlignedBuffer(layout.FixedSize);
        Initializer.Initialize(_parameters.Span, layout.Parameters, unchecked((ulong)seed));
        _state = new float[layout.State.TotalCount];
        if (_state.Length > 0) Initializer.Initialize(_state, layout.State, unchecked((ulong)seed));
        Seed = unchecked((ulong)seed);
    }

    /// <inheritdoc/>
    public string Name => _layout.Name;

    /// <inheritdoc/>
    public int InputSize => _layout.InputSize;

    /// <inheritdoc/>
    public int OutputSize => _layout.OutputSize;

    /// <summary>Floats per sample of every output [Forward] returns, in order (the first is <see cref="OutputSize"/>).</summary>
    public IReadOnlyList<int> OutputSizes => _layout.OutputSizes;

    /// <inheritdoc/>
    public int BatchCapacity => _capacity;

    /// <inheritdoc/>
    public ParameterTable ParameterTable => _layout.Parameters;

    /// <summary>Parameters in all: the length of <see cref="Parameters"/>.</summary>
    public int ParameterCount => _layout.ParameterCount;

    /// <inheritdoc/>
    public ParameterTable StateTable => _layout.State;

    /// <inheritdoc/>
    /// <remarks>On a device, reading this copies the device's parameters here first, and what is written into the span goes back before the next call.</remarks>
    public Span<float> Parameters
    {
        get
        {
            HandOutHostCopy();
            return _parameters.Span;
        }
    }

    /// <inheritdoc/>
    /// <remarks>On a device, synchronised like <see cref="Parameters"/>.</remarks>
    public Span<float> State
    {
        get
        {
            HandOutHostCopy();
            return _state;
        }
    }

    /// <summary>Where the passes run: "cpu", or the attached device in words.</summary>
    public string Device => _device?.DeviceName ?? "cpu";

    /// <summary>The attached device, or null on the CPU.</summary>
    private protected DeviceExecution? DeviceRun => _device;

    /// <summary>
    /// Runs the network's passes on <paramref name="device"/> from the next call on: its parameters,
    /// state and optimizer state move there, each call uploads its batch and downloads the loss, and
    /// parameters, gradients and outputs are copied back when read.
    /// </summary>
    /// <exception cref="NotSupportedException">The network was compiled without passes for this kind of device (its project does not reference GraphGen.Gpu).</exception>
    public void UseDevice(IComputeDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var execution = CreateDeviceExecution(device)
            ?? throw new NotSupportedException($"{Name} has no passes for {device.Name}: the project that declares it must reference the GraphGen.Gpu package, so that the generator writes its GPU passes.");
        AttachDevice(execution);
    }

    /// <summary>Runs the network on the CPU again; the device's parameters and state are copied back first.</summary>
    public void UseCpu() => AttachDevice(null);

    /// <summary>The network's passes for <paramref name="device"/>, or null when it has none (the generator overrides this when the GPU backend is referenced).</summary>
    protected virtual DeviceExecution? CreateDeviceExecution(IComputeDevice device) => null;

    /// <summary>
    /// Runs the passes on <paramref name="device"/> from the next call on (its parameters and state
    /// are this network's, copied there), or, with null, back on the CPU (the device's values copied
    /// back first). The previous device, if any, is released.
    /// </summary>
    private void AttachDevice(DeviceExecution? device)
    {
        Enter();
        try
        {
            if (_device is not null)
            {
                if (_hostStale) _device.Download(_parameters.Span, _state);
                _device.Dispose();
            }
            _device = device;
            _hostStale = false;
            _deviceStale = false;
            device?.Upload(_parameters.Span, _state);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Before a device call: sends back a host copy that may have been written.</summary>
    private protected void SyncDevice()
    {
        if (_device is null || !_deviceStale) return;
        _device.Upload(_parameters.Span, _state);
        _deviceStale = false;
    }

    /// <summary>After a device call that changed parameters or state (a training step, BatchNorm's running averages).</summary>
    private protected void DeviceChangedParameters() => _hostStale = _device is not null;

    private void HandOutHostCopy()
    {
        if (_device is null) return;
        if (_hostStale)
        {
            _device.Download(_parameters.Span, _state);
            _hostStale = false;
        }
        _deviceStale = true;
    }

    /// <inheritdoc/>
    public IReadOnlyList<TensorInfo> Activations => _layout.Activations;

    /// <inheritdoc/>
    public string Summary => _description.Summary;

    /// <summary>The forward and backward graphs as Graphviz DOT and Mermaid text, for <see cref="Inspection.GraphExport"/>.</summary>
    public Inspection.NetworkGraphs Graphs =>
        new(Name, _description.ForwardGraphDot, _description.ForwardGraphMermaid, _description.BackwardGraphDot, _description.BackwardGraphMermaid);

    /// <summary>The compile-time layout (the generated class's static <c>Layout</c>).</summary>
    private protected NetworkLayout NetworkLayout => _layout;

    /// <inheritdoc/>
    public bool CheckFinite { get; set; }

    /// <summary>The seed the network was created with: with the op and the pass counter, it selects every random number.</summary>
    public ulong Seed { get; }

    /// <summary>
    /// Training forward passes so far: with the seed, it selects the dropout masks and noise of the
    /// next one (restore it to resume a run bit for bit). Counted for networks that draw random
    /// numbers (those implement <see cref="IStochasticNetwork"/>); 0 for the others.
    /// </summary>
    public long TrainingSteps { get; set; }

    /// <summary>Inference passes so far: with the seed, it selects the noise of the next one.</summary>
    public long EvaluationSteps { get; set; }

    /// <summary>The batch of the last forward pass.</summary>
    protected int LastBatch { get; private set; }

    /// <summary>The output of the last forward pass (batch × <see cref="OutputSize"/>), valid until the next call.</summary>
    public ReadOnlySpan<float> LastOutput => LastOutputAt(0);

    /// <summary>Output <paramref name="index"/> of the last forward pass (batch × OutputSizes[index]), in the order [Forward] returns them.</summary>
    public ReadOnlySpan<float> LastOutputAt(int index)
    {
        if ((uint)index >= (uint)_layout.Outputs.Length)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} has {_layout.Outputs.Length} output{(_layout.Outputs.Length == 1 ? "" : "s")}.");
        var slice = _layout.Outputs[index];
        var view = ArenaView(slice.Offset, LastBatch * slice.Width);
        _device?.DownloadOutput(index, LastBatch, view);
        return view;
    }

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> input, Span<float> destination)
    {
        Enter();
        try
        {
            int batch = NetworkGuard.BatchOf(Name, input, InputSize, _capacity);
            NetworkGuard.Output(Name, destination, batch, OutputSize);
            if (CheckFinite) NetworkGuard.Finite(Name, "input", input);
            Run(input, batch, training: false);
            if (_layout.Stochastic) EvaluationSteps++;
            LastOutput.CopyTo(destination);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Inference that shows every stored activation to <paramref name="observer"/> as it is computed (heatmaps, statistics).</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> destination, IActivationObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observer = observer;
        try
        {
            Forward(input, destination);
        }
        finally
        {
            _observer = null;
        }
    }

    /// <summary>The observer of the call in progress, set for its duration only (null: nothing observes).</summary>
    private protected IActivationObserver? Observer
    {
        get => _observer;
        set => _observer = value;
    }

    /// <summary>
    /// Whether an activation observer watches the call in progress: inference then stores every
    /// activation the graph names, including those its fusions would not store (a convolution's
    /// output pooled as it is written).
    /// </summary>
    protected bool Observing => _observer is not null;

    /// <summary>The forward pass: every activation, in graph order; <paramref name="training"/> selects batch statistics and dropout.</summary>
    protected abstract void RunForward(ReadOnlySpan<float> input, int batch, bool training);

    /// <summary>Runs the forward pass for a checked batch and remembers the batch for <see cref="LastOutput"/>.</summary>
    private protected void Run(ReadOnlySpan<float> input, int batch, bool training)
    {
        LastBatch = batch;
        if (_device is null)
        {
            RunForward(input, batch, training);
            return;
        }
        SyncDevice();
        _device.Forward(input, batch, training, _observer);
        // Batch statistics update BatchNorm's running averages in training.
        if (training && _state.Length > 0) DeviceChangedParameters();
    }

    /// <summary>Shows activation <paramref name="index"/> of <see cref="Activations"/> to the observer, if any.</summary>
    protected void Observe(int index, ReadOnlySpan<float> values, int batch) => _observer?.Observe(_layout.Activations[index], values, batch);

    /// <summary>Buffer <paramref name="offset"/> of the memory plan: it starts at offset × capacity.</summary>
    protected Span<float> ArenaView(int offset, int length) => _arena.Slice(offset * _capacity, length);

    /// <summary>A parameter's slice of the parameter arena.</summary>
    protected ReadOnlySpan<float> ParameterView(int offset, int count) => _parameters.Slice(offset, count);

    /// <summary>A slice of the non-trainable state.</summary>
    protected Span<float> StateView(int offset, int count) => _state.AsSpan(offset, count);

    /// <summary>A buffer that does not scale with the batch (per-channel statistics).</summary>
    protected Span<float> FixedView(int offset, int count) => _fixed!.Slice(offset, count);

    /// <summary>Marks the network busy for one call; a second concurrent call throws instead of corrupting the arena.</summary>
    private protected void Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
            throw new InvalidOperationException(
                $"{Name} is already running a call (on another thread, or from its activation observer). A network instance owns one arena of " +
                "activations and serves one call at a time: create one instance per thread (copy Parameters between them), or serialise the calls with a lock.");
    }

    /// <summary>Ends the call that <see cref="Enter"/> began.</summary>
    private protected void Exit() => Volatile.Write(ref _busy, 0);
}
