namespace GraphGen.Onnx.Tests;

/// <summary>
/// A hand-written network, independent of the generator: y = BatchNorm(x·Wᵀ + b) in inference
/// mode, γ and β parameters, running mean and variance as state, and one parameter
/// ("unused.weight") that its graph never reads. Its Forward is the plain formula in doubles.
/// </summary>
internal sealed class DenseBatchNormNetwork : INetwork, IOnnxExportable
{
    public const int In = 3, Out = 2;
    private const float Epsilon = 1e-5f;

    private readonly float[] _parameters, _state;

    public DenseBatchNormNetwork(Action<OnnxGraphBuilder>? buildOnnx = null)
    {
        ParameterTable = new ParameterTable(
            new ParameterInfo("fc.weight", [Out, In], 0, Init.Zeros, In, Out),
            new ParameterInfo("fc.bias", [Out], Out * In, Init.Zeros, In, Out),
            new ParameterInfo("bn.weight", [Out], Out * In + Out, Init.Zeros, Out, Out),
            new ParameterInfo("bn.bias", [Out], Out * In + 2 * Out, Init.Zeros, Out, Out),
            new ParameterInfo("unused.weight", [4], Out * In + 3 * Out, Init.Zeros, 4, 4));
        StateTable = new ParameterTable(
            new ParameterInfo("bn.running_mean", [Out], 0, Init.Zeros, Out, Out),
            new ParameterInfo("bn.running_var", [Out], Out, Init.Zeros, Out, Out));
        _parameters = new float[ParameterTable.TotalCount];
        _state = new float[StateTable.TotalCount];
        for (int i = 0; i < _parameters.Length; i++) _parameters[i] = MathF.Sin(i + 1);
        _state[0] = 0.3f; _state[1] = -0.2f;   // running means
        _state[2] = 1.7f; _state[3] = 0.4f;    // running variances
        _buildOnnx = buildOnnx ?? BuildDefault;
    }

    private readonly Action<OnnxGraphBuilder> _buildOnnx;

    public string Name => "DenseBatchNorm";
    public int InputSize => In;
    public int OutputSize => Out;
    public int BatchCapacity => 64;
    public ParameterTable ParameterTable { get; }
    public Span<float> Parameters => _parameters;
    public ParameterTable StateTable { get; }
    public Span<float> State => _state;
    public bool CheckFinite { get; set; }

    public void BuildOnnx(OnnxGraphBuilder onnx) => _buildOnnx(onnx);

    private static void BuildDefault(OnnxGraphBuilder onnx)
    {
        onnx.Input("x", In);
        onnx.Node("Gemm", ["x", "fc.weight", "fc.bias"], ["z"], OnnxAttribute.Of("transB", 1L));
        onnx.Node("BatchNormalization", ["z", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"], ["y"], OnnxAttribute.Of("epsilon", Epsilon));
        onnx.Output("y", Out);
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        var p = ParameterTable;
        for (int n = 0; n < input.Length / In; n++)
            for (int o = 0; o < Out; o++)
            {
                double z = _parameters[p["fc.bias"].Offset + o];
                for (int k = 0; k < In; k++) z += (double)input[n * In + k] * _parameters[p["fc.weight"].Offset + o * In + k];
                double normalized = (z - _state[o]) / Math.Sqrt(_state[Out + o] + Epsilon);
                output[n * Out + o] = (float)(normalized * _parameters[p["bn.weight"].Offset + o] + _parameters[p["bn.bias"].Offset + o]);
            }
    }
}

/// <summary>A network that predates ONNX export: it does not implement <see cref="IOnnxExportable"/>.</summary>
internal sealed class NotExportableNetwork : INetwork
{
    public string Name => "OldNet";
    public int InputSize => 1;
    public int OutputSize => 1;
    public int BatchCapacity => 1;
    public ParameterTable ParameterTable => ParameterTable.Empty;
    public Span<float> Parameters => [];
    public bool CheckFinite { get; set; }
    public void Forward(ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
}
