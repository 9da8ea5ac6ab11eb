using GraphGen.Training;

namespace GraphGen.Inspection;

/// <summary>
/// Records, after every optimizer step and for every parameter tensor, the L2 norm of its
/// gradient ‖∇θ‖ and of the update the step made ‖Δθ‖, with the norm of the tensor before the
/// step ‖θ‖: the update-to-weight ratio ‖Δθ‖/‖θ‖ is about 1e-3 in healthy training, far
/// below when a layer has stopped learning, and near 1 when it is thrown around.
/// </summary>
/// <remarks>
/// The monitor keeps a copy of the parameters as they were after the previous step, which is
/// what they are before the next one: Δθ = θ(now) − copy. So it needs no hook before the
/// step, and <see cref="Attach{T}"/> can use <see cref="Trainer{T}.BatchCompleted"/>. If
/// anything else changes the parameters between steps (loading a checkpoint), call
/// <see cref="SyncParameters"/>. Norms are summed in double, in index order, so they are
/// exact to float precision and reproducible. Recording allocates nothing while the history
/// fits the capacity given to the constructor (it doubles when full).
/// </remarks>
public sealed class GradientMonitor
{
    private readonly INetwork _network;
    private readonly float[] _previous;
    private readonly ParameterInfo[] _parameters;
    // Per step, per parameter tensor (row-major [step, parameter]).
    private double[] _gradientNorms, _updateNorms, _weightNorms;

    /// <param name="network">The network whose parameters are watched; they are copied now.</param>
    /// <param name="stepCapacity">Steps the history holds before it grows (the only allocation while recording).</param>
    public GradientMonitor(INetwork network, int stepCapacity = 1024)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepCapacity);
        _network = network;
        _parameters = [.. network.ParameterTable.Parameters];
        _previous = network.Parameters.ToArray();
        int size = checked(stepCapacity * _parameters.Length);
        _gradientNorms = new double[size];
        _updateNorms = new double[size];
        _weightNorms = new double[size];
    }

    /// <summary>The parameter tensors, in arena order: the second index of every per-step figure.</summary>
    public IReadOnlyList<ParameterInfo> Parameters => _parameters;

    /// <summary>Steps recorded so far.</summary>
    public int StepCount { get; private set; }

    /// <summary>
    /// Records one step: call it right after the optimizer step, with the gradients that step
    /// used (the network's <c>Gradients</c> until the next backward pass).
    /// </summary>
    public void Record(ReadOnlySpan<float> gradients)
    {
        ReadOnlySpan<float> current = _network.Parameters;
        if (gradients.Length != current.Length)
            throw new ArgumentException($"{_network.Name} has {current.Length} parameters but {gradients.Length} gradients were given; pass the network's Gradients.", nameof(gradients));
        EnsureCapacity(StepCount + 1);
        int row = StepCount * _parameters.Length;
        for (int p = 0; p < _parameters.Length; p++)
        {
            var info = _parameters[p];
            var g = gradients.Slice(info.Offset, info.Count);
            var after = current.Slice(info.Offset, info.Count);
            var before = _previous.AsSpan(info.Offset, info.Count);
            double gradient = 0, update = 0, weight = 0;
            for (int i = 0; i < g.Length; i++)
            {
                double d = (double)after[i] - before[i];
                gradient += (double)g[i] * g[i];
                update += d * d;
                weight += (double)before[i] * before[i];
            }
            _gradientNorms[row + p] = Math.Sqrt(gradient);
            _updateNorms[row + p] = Math.Sqrt(update);
            _weightNorms[row + p] = Math.Sqrt(weight);
        }
        current.CopyTo(_previous);
        StepCount++;
    }

    /// <summary>
    /// Records every training step of <paramref name="trainer"/>, through its
    /// <see cref="Trainer{T}.BatchCompleted"/> callback (added to any callback already there).
    /// </summary>
    public void Attach<T>(Trainer<T> trainer, ITrainableNetwork<T> network) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (!ReferenceEquals(network, _network))
            throw new ArgumentException("Attach the monitor to a trainer of the network it watches.", nameof(network));
        trainer.BatchCompleted += (_, _, _) => Record(network.Gradients);
    }

    /// <summary>Takes the current parameters as the state before the next step (after a checkpoint load or a manual change).</summary>
    public void SyncParameters() => _network.Parameters.CopyTo(_previous);

    /// <summary>‖∇θ‖₂ of parameter tensor <paramref name="parameter"/> at <paramref name="step"/> (0-based).</summary>
    public double GradientNorm(int step, int parameter) => _gradientNorms[Index(step, parameter)];

    /// <summary>‖Δθ‖₂: how far <paramref name="step"/> moved the tensor.</summary>
    public double UpdateNorm(int step, int parameter) => _updateNorms[Index(step, parameter)];

    /// <summary>‖θ‖₂ of the tensor before <paramref name="step"/>.</summary>
    public double WeightNorm(int step, int parameter) => _weightNorms[Index(step, parameter)];

    /// <summary>‖Δθ‖/‖θ‖ at <paramref name="step"/>; NaN when the tensor was all zeros before it (biases at the first step).</summary>
    public double UpdateRatio(int step, int parameter)
    {
        double weight = WeightNorm(step, parameter);
        return weight == 0 ? double.NaN : UpdateNorm(step, parameter) / weight;
    }

    /// <summary>The index of a parameter tensor by name, e.g. "layer0.weight".</summary>
    public int IndexOf(string parameterName)
    {
        int index = Array.FindIndex(_parameters, p => p.Name == parameterName);
        return index >= 0 ? index
            : throw new KeyNotFoundException($"No parameter named '{parameterName}'. Known: {string.Join(", ", _parameters.Select(p => p.Name))}.");
    }

    /// <summary>The gradient norm of one tensor at every recorded step (a copy, for plots).</summary>
    public double[] GradientNorms(int parameter) => Column(_gradientNorms, parameter);

    /// <summary>The update-to-weight ratio of one tensor at every recorded step (a copy, for plots).</summary>
    public double[] UpdateRatios(int parameter)
    {
        var ratios = new double[StepCount];
        for (int s = 0; s < StepCount; s++) ratios[s] = UpdateRatio(s, parameter);
        return ratios;
    }

    /// <summary>The per-layer summary with the default thresholds of <see cref="GradientThresholds"/>.</summary>
    public GradientReport Report(GradientThresholds? thresholds = null) => GradientReport.From(this, thresholds ?? new GradientThresholds());

    /// <summary>CSV, one row per step and parameter tensor: step,parameter,gradient_norm,update_norm,weight_norm,update_ratio.</summary>
    public string ToCsv() => GradientCsv.Steps(this);

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/> (the folder is created; the write is atomic).</summary>
    public void SaveCsv(string path) => GradientCsv.Save(path, ToCsv());

    private double[] Column(double[] values, int parameter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(parameter, _parameters.Length);
        var column = new double[StepCount];
        for (int s = 0; s < StepCount; s++) column[s] = values[s * _parameters.Length + parameter];
        return column;
    }

    private int Index(int step, int parameter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, StepCount);
        ArgumentOutOfRangeException.ThrowIfNegative(parameter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(parameter, _parameters.Length);
        return step * _parameters.Length + parameter;
    }

    private void EnsureCapacity(int steps)
    {
        int needed = steps * _parameters.Length;
        if (needed <= _gradientNorms.Length) return;
        int size = Math.Max(needed, _gradientNorms.Length * 2);
        Array.Resize(ref _gradientNorms, size);
        Array.Resize(ref _updateNorms, size);
        Array.Resize(ref _weightNorms, size);
    }
}
