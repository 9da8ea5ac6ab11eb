namespace GraphGen.Eager;

/// <summary>
/// Runs a network's own [Forward] and [Loss] methods eagerly, in double precision, recording
/// a tape and backpropagating through it. Slow and simple on purpose: it is the independent
/// implementation that the generated code is tested against, and a network you can step
/// through in a debugger.
/// </summary>
public sealed class EagerModel
{
    private readonly IEagerNetwork _network;
    private readonly Dictionary<string, EagerParameter> _parameters = new(StringComparer.Ordinal);
    private readonly ulong _seed;
    private readonly int _inputSize;

    /// <summary>A model whose parameters are created on first use, seeded by name; <paramref name="seed"/> also seeds dropout and sampling as in the compiled network.</summary>
    public EagerModel(IEagerNetwork network, ulong seed = 0)
    {
        _network = network;
        _seed = seed;
        _inputSize = Product(network.EagerInputShape);
    }

    /// <summary>A model starting from the given parameter values (e.g. a compiled network's arena).</summary>
    public EagerModel(IEagerNetwork network, ParameterTable table, ReadOnlySpan<float> values, ulong seed = 0) : this(network, seed)
    {
        if (values.Length != table.TotalCount)
            throw new ArgumentException($"{values.Length} parameter values for a table of {table.TotalCount}.", nameof(values));
        foreach (var p in table.Parameters)
        {
            var data = new double[p.Count];
            for (int i = 0; i < data.Length; i++) data[i] = values[p.Offset + i];
            _parameters.Add(p.Name, new EagerParameter(p.Name, p.Shape, data));
        }
    }

    public IReadOnlyDictionary<string, EagerParameter> Parameters => _parameters;

    /// <summary>The tape of the last run, for inspection.</summary>
    public EagerSession? LastSession { get; private set; }

    /// <summary>The [Forward] output for a batch of inputs (inference mode: running statistics, no dropout).</summary>
    public Tensor Forward(ReadOnlySpan<float> input) => ForwardAll(input)[0];

    /// <summary>Every output [Forward] returns, in inference mode.</summary>
    public Tensor[] ForwardAll(ReadOnlySpan<float> input)
    {
        var session = NewSession(training: false);
        var outputs = _network.EagerForward(InputTensor(session, input));
        EvaluationSteps++;
        return outputs;
    }

    /// <summary>Forward, loss and backward. Parameter gradients land in <see cref="EagerParameter.Grad"/> (zeroed first).</summary>
    public EagerResult ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<double> targets)
    {
        foreach (var p in _parameters.Values) Array.Clear(p.Grad);
        var session = NewSession(training: true);
        var x = InputTensor(session, input);
        var outputs = _network.EagerForward(x);
        int targetSize = Product(_network.EagerTargetShape);
        var y = session.Input(targets.ToArray(), targets.Length / targetSize, _network.EagerTargetShape, "targets");
        var loss = _network.EagerLoss(outputs, y);
        session.Backward(loss);
        TrainingSteps++;
        return new EagerResult(loss.Data[0], outputs[0], x.Grad ?? new double[x.Data.Length]);
    }

    public EagerResult ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<int> labels)
    {
        var targets = new double[labels.Length];
        for (int i = 0; i < labels.Length; i++) targets[i] = labels[i];
        return ComputeGradients(input, targets);
    }

    public EagerResult ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<float> targets)
    {
        var values = new double[targets.Length];
        for (int i = 0; i < targets.Length; i++) values[i] = targets[i];
        return ComputeGradients(input, values);
    }

    /// <summary>Training passes so far (selects dropout masks and noise, as in the compiled network).</summary>
    public long TrainingSteps { get; set; }

    /// <summary>Inference passes so far (selects sampling noise, as in the compiled network).</summary>
    public long EvaluationSteps { get; set; }

    /// <summary>Non-trainable state (running statistics) by name.</summary>
    public IReadOnlyDictionary<string, double[]> State => _state;

    private readonly Dictionary<string, double[]> _state = new(StringComparer.Ordinal);

    /// <summary>Copies a compiled network's state (running statistics) into this model.</summary>
    public void LoadState(ParameterTable table, ReadOnlySpan<float> values)
    {
        foreach (var p in table.Parameters)
        {
            var data = new double[p.Count];
            for (int i = 0; i < data.Length; i++) data[i] = values[p.Offset + i];
            _state[p.Name] = data;
        }
    }

    private EagerSession NewSession(bool training) =>
        LastSession = new EagerSession(_parameters, _state, _seed, training, (ulong)(training ? TrainingSteps : EvaluationSteps));

    private Tensor InputTensor(EagerSession session, ReadOnlySpan<float> input)
    {
        if (input.Length == 0 || input.Length % _inputSize != 0)
            throw new ArgumentException($"The input holds {input.Length} floats, not a positive multiple of {_inputSize}.", nameof(input));
        var data = new double[input.Length];
        for (int i = 0; i < data.Length; i++) data[i] = input[i];
        return session.Input(data, input.Length / _inputSize, _network.EagerInputShape);
    }

    private static int Product(int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }
}

/// <summary>The outcome of one eager forward/backward run.</summary>
public sealed record EagerResult(double Loss, Tensor Output, double[] InputGradient);
