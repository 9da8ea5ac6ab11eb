using GraphGen.Bench.Networks;

namespace GraphGen.GpuCheck;

/// <summary>A benchmark network at its batch size: how to build it, its layer widths (for FLOPs) and its name in the tables.</summary>
internal sealed record BenchNetwork(string Name, int Batch, int[] Widths, Func<int, TrainableNetwork<int>> Create)
{
    /// <summary>The four MLPs of the CPU benchmark table.</summary>
    public static readonly BenchNetwork[] Mlps =
    [
        new("64-32-10 b32", 32, [64, 32, 10], b => new Mlp64x32(b, 0)),
        new("784-128-10 b64", 64, [784, 128, 10], b => new Mlp784x128(b, 0)),
        new("784-256-128-10 b128", 128, [784, 256, 128, 10], b => new Mlp784x256x128(b, 0)),
        new("1024-1024-1024-10 b256", 256, [1024, 1024, 1024, 10], b => new Mlp1024x1024x1024(b, 0)),
    ];

    /// <summary>FLOPs of one training step: forward 2·B·Σ in·out, backward twice that (dX and dW).</summary>
    public double TrainFlops
    {
        get
        {
            double sum = 0;
            for (int i = 0; i + 1 < Widths.Length; i++) sum += (double)Widths[i] * Widths[i + 1];
            return 6 * Batch * sum;
        }
    }

    /// <summary>Inputs and labels for one batch.</summary>
    public (float[] X, int[] Y) Data(int batch)
    {
        var rng = new SeededRandom(17);
        var x = new float[batch * Widths[0]];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextFloat() * 2 - 1;
        var y = new int[batch];
        for (int i = 0; i < y.Length; i++) y[i] = (int)(rng.NextUInt64() % (ulong)Widths[^1]);
        return (x, y);
    }
}
