namespace GraphGen;

/// <summary>
/// Updates a whole parameter arena from its gradient arena in one fused pass. State
/// (momentum, Adam moments) is laid out like the parameter arena and sized on first use.
/// </summary>
/// <remarks>
/// Each element is updated by the same sequence of IEEE operations whatever the SIMD width
/// (no fused multiply-add), so results are bitwise identical across machines.
/// </remarks>
public abstract class Optimizer
{
    /// <summary>Checks and stores the hyperparameters every optimizer has.</summary>
    /// <param name="learningRate">The step size η: zero or a positive finite number.</param>
    /// <param name="weightDecay">The weight-decay coefficient λ: zero or a positive finite number.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN, infinite or out of range.</exception>
    protected Optimizer(float learningRate, float weightDecay)
    {
        _learningRate = CheckLearningRate(learningRate, nameof(learningRate));
        if (!(weightDecay >= 0) || !float.IsFinite(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be zero or a positive finite number");
        WeightDecay = weightDecay;
    }

    private float _learningRate;

    /// <summary>
    /// The step size η; a schedule may change it between steps. The setter checks it as the
    /// constructor does: NaN, infinity and negative values are refused (a NaN rate would
    /// silently make every parameter NaN, a negative one would climb the loss) and the old
    /// value is kept. Zero is allowed, as in PyTorch: a warm-up schedule starts there.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN, infinite or negative.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = CheckLearningRate(value, nameof(value));
    }

    private static float CheckLearningRate(float value, string parameterName) =>
        value >= 0 && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(parameterName, value,
                $"the learning rate must be zero or a positive finite number (such as 1e-3), not {value}");

    /// <summary>L2 penalty coefficient (decoupled for AdamW).</summary>
    public float WeightDecay { get; }

    /// <summary>Number of updates applied so far.</summary>
    public long StepCount { get; protected set; }

    /// <summary>A short description for logs, e.g. "Adam(lr=0.001, betas=(0.9, 0.999))".</summary>
    public abstract override string ToString();

    /// <summary>Applies one update: parameters -= f(gradients, state).</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
            throw new ArgumentException($"The optimizer got {parameters.Length} parameters but {gradients.Length} gradients; they must be laid out alike.", nameof(gradients));
        EnsureState(parameters.Length);
        StepCount++;
        Update(parameters, gradients);
    }

    /// <summary>The update rule, over the whole arena; <see cref="StepCount"/> already counts this step.</summary>
    /// <param name="parameters">The parameter arena, updated in place.</param>
    /// <param name="gradients">The gradients, laid out like the parameters.</param>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>
    /// Named state buffers laid out like the parameter arena (PyTorch names: momentum_buffer,
    /// exp_avg, exp_avg_sq). While a network on a device trains with this optimizer, the state
    /// lives there: reading this copies it here first, and what is written goes back before the
    /// next step.
    /// </summary>
    public IReadOnlyList<(string Name, float[] Values)> State
    {
        get
        {
            Mirror?.HandOutHostCopy();
            return StateBuffers;
        }
    }

    /// <summary>The state buffers themselves (what <see cref="State"/> returns).</summary>
    protected abstract IReadOnlyList<(string Name, float[] Values)> StateBuffers { get; }

    /// <summary>The device copy of the state, while a device network trains with this optimizer (set by the device backend).</summary>
    internal IStateMirror? Mirror { get; set; }

    /// <summary>The state buffers without synchronising (for the device backend, which fills them).</summary>
    internal IReadOnlyList<(string Name, float[] Values)> HostState => StateBuffers;

    /// <summary>Counts an update that a device applied.</summary>
    internal void CountStep() => StepCount++;

    /// <summary>Allocates state for an arena of <paramref name="count"/> floats (once; a second arena size is an error).</summary>
    public void EnsureState(int count)
    {
        if (_stateCount == count) return;
        if (_stateCount != -1)
            throw new InvalidOperationException($"This optimizer was used with a parameter arena of {_stateCount} floats and now {count}; use one optimizer per network.");
        _stateCount = count;
        AllocateState(count);
    }

    private int _stateCount = -1;

    /// <summary>Allocates the state buffers (zeros) for an arena of <paramref name="count"/> floats; called once.</summary>
    /// <param name="count">Floats in the parameter arena.</param>
    protected abstract void AllocateState(int count);

    /// <summary>Restores the step count from a checkpoint.</summary>
    public void RestoreStepCount(long steps) => StepCount = steps;
}
