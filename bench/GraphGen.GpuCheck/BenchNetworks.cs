using GraphGen.Gpu;
using GraphGen.Bench.Networks;

namespace GraphGen.GpuCheck;

/// <summary>
/// A benchmark network at its batch size: how to build it, the name the CPU and peer tables give
/// it, and its FLOPs per training step where the table reports a rate (the MLPs).
/// </summary>
/// <param name="Name">The case name, as bench/peers/networks.py spells it (the PyTorch peer's key).</param>
/// <param name="Batch">The benchmark batch.</param>
/// <param name="Create">A network of batch capacity n, seed 0.</param>
/// <param name="Widths">The MLP's layer widths (FLOPs); empty for the others.</param>
/// <param name="Vocabulary">Token ids in [0, Vocabulary) as inputs; 0 for float inputs.</param>
internal sealed record BenchNetwork(string Name, int Batch, Func<int, TrainableNetwork<int>> Create, int[] Widths, int Vocabulary = 0)
{
    /// <summary>The four MLPs of the CPU table, LeNet-5 and the CharTransformer network.</summary>
    public static readonly BenchNetwork[] All =
    [
        new("64-32-10 b32", 32, b => new Mlp64x32(b, 0), [64, 32, 10]),
        new("784-128-10 b64", 64, b => new Mlp784x128(b, 0), [784, 128, 10]),
        new("784-256-128-10 b128", 128, b => new Mlp784x256x128(b, 0), [784, 256, 128, 10]),
        new("1024-1024-1024-10 b256", 256, b => new Mlp1024x1024x1024(b, 0), [1024, 1024, 1024, 10]),
        new("lenet-5 b64", 64, b => new BenchLeNet5(b, 0), []),
        new("tiny-gpt b32", 32, b => new BenchTinyGpt(b, 0), [], BenchTinyGpt.Vocabulary),
    ];

    /// <summary>
    /// What --quick runs on ILGPU's CPU accelerator (slow: a tiled 256³ GEMM takes seconds there):
    /// the smallest MLP and LeNet-5 at batch 4, enough to take every code path of the check.
    /// </summary>
    public static readonly BenchNetwork[] Quick =
    [
        All[0],
        All[4] with { Batch = 4 },
    ];

    /// <summary>The name, with the batch when a quick run changed it ("lenet-5 b64 at b4").</summary>
    public string Label => Name.EndsWith($" b{Batch}", StringComparison.Ordinal) ? Name : $"{Name} at b{Batch}";

    /// <summary>FLOPs of one training step of an MLP: forward 2·B·Σ in·out, backward twice that (dX and dW); NaN for the others.</summary>
    public double TrainFlops => Widths.Length == 0 ? double.NaN : 3 * InferenceFlops;

    /// <summary>FLOPs of one inference pass of an MLP (2·B·Σ in·out); NaN for the others.</summary>
    public double InferenceFlops
    {
        get
        {
            if (Widths.Length == 0) return double.NaN;
            double sum = 0;
            for (int i = 0; i + 1 < Widths.Length; i++) sum += (double)Widths[i] * Widths[i + 1];
            return 2.0 * Batch * sum;
        }
    }

    /// <summary>
    /// A network of the benchmark batch on <paramref name="device"/>, with its batch, an Adam and an
    /// output buffer: one training step and one inference pass as actions. Call <c>Net.UseCpu()</c> after.
    /// </summary>
    public (TrainableNetwork<int> Net, Action Train, Action Infer) OnDevice(GpuDevice device)
    {
        var net = Create(Batch);
        net.UseDevice(device);
        var (x, y) = Data(net, Batch);
        var adam = new Adam(1e-4f);
        var output = new float[Batch * net.OutputSize];
        return (net, () => net.TrainStep(x, y, adam), () => net.Forward(x, output));
    }

    /// <summary>
    /// One batch for <paramref name="net"/>: inputs uniform in [−0.5, 0.5) (token ids for the
    /// transformer), labels uniform over the classes at every labelled position.
    /// </summary>
    public (float[] X, int[] Y) Data(TrainableNetwork<int> net, int batch, ulong seed = 17)
    {
        var rng = new SeededRandom(seed);
        var x = new float[batch * net.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = Vocabulary > 0 ? rng.NextInt(Vocabulary) : rng.NextSingle() - 0.5f;
        int classes = net.OutputSize / net.TargetSize;
        var y = new int[batch * net.TargetSize];
        for (int i = 0; i < y.Length; i++) y[i] = rng.NextInt(classes);
        return (x, y);
    }
}
