using GraphGen.Bench.Networks;
using GraphGen.Onnx;

namespace GraphGen.Bench;

/// <summary>
/// `export-onnx DIR`: the benchmark networks as GraphGen itself exports them (seed 0), one
/// `&lt;stem&gt;.onnx` per case under the stems of bench/peers/networks.py, for the ONNX Runtime peer
/// (bench/peers/compare.py). ONNX Runtime then runs the very graph and weights GraphGen runs.
/// </summary>
public static class OnnxModels
{
    private static readonly (string Stem, Func<INetwork> Create)[] Cases =
    [
        ("mlp-64-32-10", () => new Mlp64x32(1, 0)),
        ("mlp-784-128-10", () => new Mlp784x128(1, 0)),
        ("mlp-784-256-128-10", () => new Mlp784x256x128(1, 0)),
        ("mlp-1024-1024-1024-10", () => new Mlp1024x1024x1024(1, 0)),
        ("lenet-5", () => new BenchLeNet5(1, 0)),
        ("resnet-fashion", () => new BenchResNet(1, 0)),
        ("tiny-gpt", () => new BenchTinyGpt(1, 0)),
    ];

    /// <summary>Writes every case's model into <paramref name="folder"/> and prints one line each.</summary>
    public static void Export(TextWriter log, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (stem, create) in Cases)
        {
            string path = Path.Combine(folder, stem + ".onnx");
            OnnxExport.Save(create(), path);
            log.WriteLine($"{stem}: {path} ({new FileInfo(path).Length:N0} bytes, GraphGen's export)");
        }
    }
}
