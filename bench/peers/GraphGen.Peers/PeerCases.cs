using TorchSharp;
using static TorchSharp.torch;

namespace GraphGen.Peers;

/// <summary>
/// One benchmark case: its name in GraphGen's quick table, the file stem of its ONNX model, the batch,
/// the shape of one sample, the classes, whether its input is token ids (one label per position), and
/// its TorchSharp network.
/// </summary>
public sealed record PeerCase(string Name, string Stem, int Batch, long[] SampleShape, int Classes, bool Sequence, Func<nn.Module<Tensor, Tensor>> Build)
{
    /// <summary>Elements in one batch of inputs.</summary>
    public long InputElements => Batch * SampleShape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>The cases of bench/peers/networks.py, in the same order and with the same names.</summary>
public static class PeerCases
{
    public static readonly PeerCase[] All =
    [
        new("64-32-10 b32", "mlp-64-32-10", 32, [64], 10, false, () => TorchNetworks.Mlp(64, 32, 10)),
        new("784-128-10 b64", "mlp-784-128-10", 64, [784], 10, false, () => TorchNetworks.Mlp(784, 128, 10)),
        new("784-256-128-10 b128", "mlp-784-256-128-10", 128, [784], 10, false, () => TorchNetworks.Mlp(784, 256, 128, 10)),
        new("1024-1024-1024-10 b256", "mlp-1024-1024-1024-10", 256, [1024], 10, false, () => TorchNetworks.Mlp(1024, 1024, 1024, 10)),
        new("lenet-5 b64", "lenet-5", 64, [1, 28, 28], 10, false, TorchNetworks.LeNet5),
        new("resnet-fashion b64", "resnet-fashion", 64, [1, 28, 28], 10, false, () => TorchNetworks.ResidualNet(1, 16)),
        new("resnet64 b32", "resnet64", 32, [3, 32, 32], 10, false, () => TorchNetworks.ResidualNet(3, 64)),
        new("tiny-gpt b32", "tiny-gpt", 32, [TinyGptModule.Context], TinyGptModule.Vocabulary, true, () => new TinyGptModule()),
    ];

    /// <summary>The cases named (by name or stem), or all of them when none is named.</summary>
    public static IReadOnlyList<PeerCase> Select(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0) return All;
        var unknown = names.Where(n => !All.Any(c => c.Name == n || c.Stem == n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"unknown case(s): {string.Join(", ", unknown)}; the cases are: {string.Join(", ", All.Select(c => c.Stem))}");
        return All.Where(c => names.Contains(c.Name) || names.Contains(c.Stem)).ToList();
    }
}
