namespace GraphGen.Runtime.Tests.Checkpoints;

/// <summary>
/// A hand-written network with the parameter table of PyTorch's
/// nn.Sequential(Linear(4, h), ReLU(), Linear(h, 2)): "0.weight" [h, 4], "0.bias" [h],
/// "2.weight" [2, h], "2.bias" [2], in one arena.
/// </summary>
internal sealed class TinyMlp : INetwork
{
    private readonly float[] _parameters;
    private readonly int _hidden;

    public TinyMlp(int hidden = 3, string name = "TinyMlp")
    {
        _hidden = hidden;
        Name = name;
        ParameterTable = new ParameterTable(
            new ParameterInfo("0.weight", [hidden, 4], 0, Init.HeUniform, 4, hidden),
            new ParameterInfo("0.bias", [hidden], 4 * hidden, Init.Zeros, 4, hidden),
            new ParameterInfo("2.weight", [2, hidden], 5 * hidden, Init.XavierUniform, hidden, 2),
            new ParameterInfo("2.bias", [2], 7 * hidden, Init.Zeros, hidden, 2));
        _parameters = new float[ParameterTable.TotalCount];
    }

    /// <summary>A network whose parameters are distinct values drawn from <paramref name="seed"/>.</summary>
    public static TinyMlp Seeded(int seed, int hidden = 3, string name = "TinyMlp")
    {
        var network = new TinyMlp(hidden, name);
        var rng = new Random(seed);
        var p = network.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)(rng.NextDouble() * 2 - 1);
        return network;
    }

    public string Name { get; }
    public int InputSize => 4;
    public int OutputSize => 2;
    public int BatchCapacity => 16;
    public ParameterTable ParameterTable { get; }
    public Span<float> Parameters => _parameters;
    public bool CheckFinite { get; set; }

    /// <summary>y = W2 · relu(W0 · x + b0) + b2 per sample, weights row-major [out, in].</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        int batch = input.Length / InputSize;
        var w0 = ParameterTable.Slice(_parameters, "0.weight");
        var b0 = ParameterTable.Slice(_parameters, "0.bias");
        var w2 = ParameterTable.Slice(_parameters, "2.weight");
        var b2 = ParameterTable.Slice(_parameters, "2.bias");
        Span<float> h = stackalloc float[_hidden];
        for (int n = 0; n < batch; n++)
        {
            var x = input.Slice(n * InputSize, InputSize);
            for (int j = 0; j < _hidden; j++)
            {
                float sum = b0[j];
                for (int i = 0; i < InputSize; i++) sum += w0[j * InputSize + i] * x[i];
                h[j] = MathF.Max(sum, 0f);
            }
            for (int k = 0; k < OutputSize; k++)
            {
                float sum = b2[k];
                for (int j = 0; j < _hidden; j++) sum += w2[k * _hidden + j] * h[j];
                output[n * OutputSize + k] = sum;
            }
        }
    }
}
