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
    protected Optimizer(float learningRate, float weightDecay)
    {
        if (!(learningRate > 0) || !float.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be a positive finite number");
        if (!(weightDecay >= 0) || !float.IsFinite(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be zero or positive");
        LearningRate = learningRate;
        WeightDecay = weightDecay;
    }

    /// <summary>The step size; a schedule may change it between steps.</summary>
    public float LearningRate { get; set; }

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

    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Named state buffers laid out like the parameter arena (PyTorch names: momentum_buffer, exp_avg, exp_avg_sq).</summary>
    public abstract IReadOnlyList<(string Name, float[] Values)> State { get; }

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

    protected abstract void AllocateState(int count);

    /// <summary>Restores the step count from a checkpoint.</summary>
    public void RestoreStepCount(long steps) => StepCount = steps;
}
