namespace GraphGen.Eager;

/// <summary>
/// The tape of one eager run: every tensor an op creates is appended in execution order, so
/// walking the tape backwards is a reverse topological order for backpropagation.
/// </summary>
public sealed class EagerSession
{
    private readonly List<Tensor> _tape = [];
    private readonly Dictionary<string, EagerParameter> _parameters;
    private readonly Dictionary<string, double[]> _state;
    private readonly ulong _seed;
    private int _streams;

    internal EagerSession(Dictionary<string, EagerParameter> parameters, Dictionary<string, double[]> state, ulong seed, bool training, ulong step)
    {
        _parameters = parameters;
        _state = state;
        _seed = seed;
        Training = training;
        Step = step;
    }

    /// <summary>Training mode: batch statistics and dropout; otherwise running statistics and no dropout.</summary>
    public bool Training { get; }

    /// <summary>The pass counter that, with the seed and the op's stream, selects random numbers.</summary>
    public ulong Step { get; }

    /// <summary>The seed of the next stochastic op's random stream (ops are numbered in execution order, as the generator numbers them).</summary>
    internal ulong NextStreamSeed() => SeededRandom.StreamSeed(_seed, _streams++);

    /// <summary>A state tensor (running statistics), created with <paramref name="initial"/> values on first use.</summary>
    internal double[] StateTensor(string name, int count, double initial)
    {
        if (!_state.TryGetValue(name, out var values))
        {
            values = new double[count];
            Array.Fill(values, initial);
            _state.Add(name, values);
        }
        return values;
    }

    /// <summary>Tensors in creation order.</summary>
    public IReadOnlyList<Tensor> Tape => _tape;

    /// <summary>A leaf tensor holding input data.</summary>
    public Tensor Input(double[] data, int batch, int[] shape, string name = "input") =>
        Record(batch, shape, data, [], name, null);

    internal Tensor Record(int batch, int[] shape, double[] data, Tensor[] parents, string op, Action<Tensor>? backward)
    {
        var t = new Tensor(this, batch, shape, data, parents, op) { Backward = backward };
        _tape.Add(t);
        return t;
    }

    /// <summary>
    /// The parameter called <paramref name="name"/>; created on first use with the given
    /// initialisation (seeded by name, like the compiled network) unless it was loaded.
    /// </summary>
    internal EagerParameter Parameter(string name, int[] shape, Init init, int fanIn, int fanOut)
    {
        if (_parameters.TryGetValue(name, out var p))
        {
            if (!p.Shape.AsSpan().SequenceEqual(shape))
                throw new InvalidOperationException($"Parameter '{name}' has shape [{string.Join(", ", p.Shape)}] but this use needs [{string.Join(", ", shape)}].");
            return p;
        }
        var info = new ParameterInfo(name, shape, 0, init == Init.Auto ? Init.XavierUniform : init, fanIn, fanOut);
        var values = new float[info.Count];
        Initializer.Initialize(values, info, _seed);
        p = new EagerParameter(name, shape, Array.ConvertAll(values, v => (double)v));
        _parameters.Add(name, p);
        return p;
    }

    /// <summary>Backpropagation from a scalar: seeds dRoot = 1 and applies each op's rule in reverse tape order.</summary>
    public void Backward(Tensor root)
    {
        if (!root.IsScalar)
            throw new InvalidOperationException($"Backward needs a scalar loss, got {root}.");
        root.GradBuffer()[0] = 1.0;
        for (int i = _tape.Count - 1; i >= 0; i--)
        {
            var t = _tape[i];
            if (t.Grad is not null) t.Backward?.Invoke(t);
        }
    }
}
