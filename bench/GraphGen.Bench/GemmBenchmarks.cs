using BenchmarkDotNet.Attributes;
using GraphGen.Kernels;

namespace GraphGen.Bench;

/// <summary>Square SGEMM C = A·B through BenchmarkDotNet (`dotnet run -c Release -- --filter *Gemm*`).</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    [Params(256, 512, 1024, 2048)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new SeededRandom(1);
        _a = new float[Size * Size];
        _b = new float[Size * Size];
        _c = new float[Size * Size];
        for (int i = 0; i < _a.Length; i++) { _a[i] = rng.NextUniform(-1f, 1f); _b[i] = rng.NextUniform(-1f, 1f); }
    }

    [Benchmark]
    public void Multiply() => Gemm.Multiply(_a, _b, _c, Size, Size, Size);

    [Benchmark]
    public void MultiplyTransposedB() => Gemm.MultiplyTransposedB(_a, _b, _c, Size, Size, Size);

    [Benchmark]
    public void MultiplyTransposedA() => Gemm.MultiplyTransposedA(_a, _b, _c, Size, Size, Size);
}
