namespace GraphGen.Onnx;

/// <summary>
/// The inference graph of a network as ONNX nodes, built by the network's generated
/// <see cref="IOnnxExportable.BuildOnnx"/> (one call per step of its forward pass, with the step's
/// comment) and written by <c>OnnxExport</c>. Tensor names are the generated code's; a node
/// input named like a parameter or state tensor of the network ("hidden.weight", "bn.running_mean")
/// becomes an initializer holding its current values. Every tensor is float32 unless a node makes
/// another type (Shape, the int64 constants of Reshape); the batch is the first, dynamic dimension.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxValue> _inputs = [], _outputs = [];
    private readonly List<OnnxConstant> _constants = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>The name of the dynamic first dimension of every input and output.</summary>
    public const string BatchDimension = "batch";

    /// <summary>The ONNX operator set the generated graphs are written for (default domain).</summary>
    public const int OpsetVersion = 17;

    /// <summary>Declares graph input <paramref name="name"/>: float32 of shape [batch, <paramref name="shape"/>...].</summary>
    public void Input(string name, params int[] shape) => _inputs.Add(new OnnxValue(Claim(name), [.. shape]));

    /// <summary>Declares graph output <paramref name="name"/>: float32 of shape [batch, <paramref name="shape"/>...], made by an earlier node.</summary>
    public void Output(string name, params int[] shape)
    {
        if (!_names.Contains(name))
            throw new InvalidOperationException($"ONNX graph output '{name}' is not made by any node or input.");
        _outputs.Add(new OnnxValue(name, [.. shape]));
    }

    /// <summary>
    /// Adds a node of operator <paramref name="opType"/> (default domain, <see cref="OpsetVersion"/>)
    /// reading <paramref name="inputs"/> ("" for an omitted optional input) and making
    /// <paramref name="outputs"/>. Returns the first output's name.
    /// </summary>
    public string Node(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        if (outputs.Length == 0) throw new ArgumentException($"ONNX node {opType} has no output.", nameof(outputs));
        foreach (var output in outputs) Claim(output);
        _nodes.Add(new OnnxNode(opType, $"{opType}_{_nodes.Count}", [.. inputs], [.. outputs], [.. attributes]));
        return outputs[0];
    }

    /// <summary>A node with one input and one output: <c>Node(opType, [input], [output], attributes)</c>.</summary>
    public string Node(string opType, string input, string output, params OnnxAttribute[] attributes) =>
        Node(opType, [input], [output], attributes);

    /// <summary>An int64 constant tensor of shape [<paramref name="values"/>.Length] (Reshape's shape, Slice's starts).</summary>
    public string Int64s(string name, params long[] values)
    {
        _constants.Add(new OnnxConstant(Claim(name), [values.Length], null, [.. values]));
        return name;
    }

    /// <summary>A float32 constant tensor of shape <paramref name="dims"/> (a scale, a causal mask).</summary>
    public string Floats(string name, long[] dims, params float[] values)
    {
        long count = 1;
        foreach (long d in dims) count *= d;
        if (count != values.Length)
            throw new ArgumentException($"ONNX constant '{name}': {values.Length} values for shape [{string.Join(", ", dims)}].", nameof(values));
        _constants.Add(new OnnxConstant(Claim(name), [.. dims], [.. values], null));
        return name;
    }

    /// <summary>
    /// A causal attention mask [<paramref name="tokens"/>, <paramref name="tokens"/>]: 0 on and below
    /// the diagonal, −∞ above it, so that scores + mask through a softmax give exactly 0 to later tokens.
    /// </summary>
    public string CausalMask(string name, int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        var mask = new float[tokens * tokens];
        for (int i = 0; i < tokens; i++)
            for (int j = i + 1; j < tokens; j++) mask[i * tokens + j] = float.NegativeInfinity;
        return Floats(name, [tokens, tokens], mask);
    }

    /// <summary>The nodes in the order they were added (a topological order: each reads only earlier names).</summary>
    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    /// <summary>The graph inputs.</summary>
    public IReadOnlyList<OnnxValue> Inputs => _inputs;

    /// <summary>The graph outputs.</summary>
    public IReadOnlyList<OnnxValue> Outputs => _outputs;

    /// <summary>The constants (written as initializers).</summary>
    public IReadOnlyList<OnnxConstant> Constants => _constants;

    private string Claim(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_names.Add(name)) throw new InvalidOperationException($"ONNX graph name '{name}' is made twice.");
        return name;
    }
}

/// <summary>One ONNX node: operator, unique node name, input and output tensor names, attributes.</summary>
public sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);

/// <summary>A graph input or output: its name and per-sample shape (the batch dimension is added when written).</summary>
public sealed record OnnxValue(string Name, int[] Shape);

/// <summary>A constant tensor: float32 values or int64 values, and its dimensions.</summary>
public sealed record OnnxConstant(string Name, long[] Dims, float[]? Floats, long[]? Int64s);

/// <summary>A node attribute: an int, a float, a list of ints, or a string.</summary>
public sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, long[]? Ints = null, string? Text = null)
{
    /// <summary>An INT attribute.</summary>
    public static OnnxAttribute Of(string name, long value) => new(name, Int: value);

    /// <summary>A FLOAT attribute.</summary>
    public static OnnxAttribute Of(string name, float value) => new(name, Float: value);

    /// <summary>An INTS attribute.</summary>
    public static OnnxAttribute Of(string name, params long[] values) => new(name, Ints: values);

    /// <summary>A STRING attribute.</summary>
    public static OnnxAttribute Of(string name, string value) => new(name, Text: value);
}

/// <summary>
/// Implemented by the generated class of every network: adds its inference graph (the forward
/// pass in inference mode: running statistics, no dropout) to a builder.
/// </summary>
public interface IOnnxExportable
{
    /// <summary>Adds the graph's inputs, one or more nodes per forward step, and its outputs.</summary>
    void BuildOnnx(OnnxGraphBuilder onnx);
}
