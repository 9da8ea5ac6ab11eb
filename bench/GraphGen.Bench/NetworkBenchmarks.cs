using BenchmarkDotNet.Attributes;

namespace GraphGen.Bench;

/// <summary>
/// The quick table's four MLPs and LeNet-5 through BenchmarkDotNet, with allocations per call
/// (`dotnet run -c Release --project bench/GraphGen.Bench -- --filter '*NetworkBenchmarks*'`):
/// one Adam training step (forward, softmax cross-entropy, backward, update) and one inference
/// pass on a fixed random batch.
/// </summary>
[MemoryDiagnoser]
public class NetworkBenchmarks
{
    private ITrainableNetwork<int> _net = null!;
    private float[] _x = [], _destination = [];
    private int[] _y = [];
    private Optimizer _optimizer = null!;

    public static IEnumerable<string> CaseNames => NetworkQuick.Cases.Select(c => c.Name).Concat(NetworkQuick.ConvCases.Select(c => c.Name));

    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var mlp = NetworkQuick.Cases.FirstOrDefault(c => c.Name == Case);
        var cnn = NetworkQuick.ConvCases.FirstOrDefault(c => c.Name == Case);
        var (batch, inputSize, classes, create) = mlp is not null
            ? (mlp.Batch, mlp.Widths[0], mlp.Widths[^1], mlp.Create)
            : (cnn!.Batch, cnn.InputSize, cnn.Classes, cnn.Create);
        _net = create(batch);
        var rng = new SeededRandom(1);
        _x = new float[batch * inputSize];
        for (int i = 0; i < _x.Length; i++) _x[i] = rng.NextUniform(-1f, 1f);
        _y = new int[batch];
        for (int i = 0; i < _y.Length; i++) _y[i] = rng.NextInt(classes);
        _destination = new float[batch * classes];
        _optimizer = new Adam(1e-4f);
    }

    [Benchmark]
    public float TrainStep() => _net.TrainStep(_x, _y, _optimizer);

    [Benchmark]
    public void Forward() => _net.Forward(_x, _destination);
}
