using System.Diagnostics;
using System.Globalization;
using GraphGen.Bench.Networks;
using GraphGen.Eager;
using GraphGen.Kernels;

namespace GraphGen.Bench;

/// <summary>
/// The quick benchmark table: SGEMM GFLOP/s at four square sizes, then for each MLP of the
/// issue (and LeNet-5, for convolutions) the Adam training step and the inference time, their FLOP
/// rates, the bytes allocated per call, and the eager interpreter's training step on the same MLP
/// (what compilation buys).
/// Also written as artifacts/bench/quick.csv (case,metric,value,unit).
/// </summary>
public static class NetworkQuick
{
    public sealed record MlpCase(string Name, int Batch, int[] Widths, Func<int, ITrainableNetwork<int>> Create)
    {
        /// <summary>Σ in·out over the dense layers.</summary>
        public long MultiplyAdds => Enumerable.Range(0, Widths.Length - 1).Sum(i => (long)Widths[i] * Widths[i + 1]);
    }

    public static readonly MlpCase[] Cases =
    [
        new("64-32-10 b32", 32, [64, 32, 10], b => new Mlp64x32(b, 0)),
        new("784-128-10 b64", 64, [784, 128, 10], b => new Mlp784x128(b, 0)),
        new("784-256-128-10 b128", 128, [784, 256, 128, 10], b => new Mlp784x256x128(b, 0)),
        new("1024-1024-1024-10 b256", 256, [1024, 1024, 1024, 10], b => new Mlp1024x1024x1024(b, 0)),
    ];

    /// <summary>A convolutional (or, in <see cref="SequenceCases"/>, transformer) network of the table; FLOPs counted like the MLPs' (2 per multiply-add, ×3 for training).</summary>
    public sealed record ConvCase(string Name, int Batch, int InputSize, int Classes, long MultiplyAdds, Func<int, ITrainableNetwork<int>> Create);

    /// <summary>
    /// LeNet-5 and the FashionResNet example's network on 28×28 images, and a ResNet-style network with
    /// 64- and 128-channel convolutions on 32×32 (multiply-adds per sample counted per layer).
    /// </summary>
    public static readonly ConvCase[] ConvCases =
    [
        new("lenet-5 b64", 64, 28 * 28, 10, 6L * 28 * 28 * 25 + 16L * 10 * 10 * 6 * 25 + 400 * 120 + 120 * 84 + 84 * 10, b => new BenchLeNet5(b, 0)),
        // stem 1→16 3×3 at 28×28, two 16→16 at 14×14, 16→32 stride 2 to 7×7, two 32→32 at 7×7, 32→10.
        new("resnet-fashion b64", 64, 28 * 28, 10, 16L * 784 * 9 + 2 * 16L * 196 * 144 + 32L * 49 * 144 + 2 * 32L * 49 * 288 + 32 * 10, b => new BenchResNet(b, 0)),
        // stem 3→64 3×3 at 32×32, two 64→64 at 16×16, 64→128 stride 2 to 8×8, two 128→128 at 8×8, 128→10.
        new("resnet64 b32", 32, 3 * 32 * 32, 10, 64L * 1024 * 27 + 2 * 64L * 256 * 576 + 128L * 64 * 576 + 2 * 128L * 64 * 1152 + 128 * 10, b => new BenchResNet64(b, 0)),
    ];

    /// <summary>
    /// The CharTransformer example's network (token ids in, a label per position): per sample, per block
    /// 12·T·W² (query, key, value, projection, the 4W MLP) + 2·T²·W (scores and their product with the
    /// values) multiply-adds, and T·W·V for the head.
    /// </summary>
    public static readonly ConvCase[] SequenceCases =
    [
        new("tiny-gpt b32", 32, BenchTinyGpt.Context, BenchTinyGpt.Vocabulary,
            BenchTinyGpt.Layers * (12L * BenchTinyGpt.Context * BenchTinyGpt.Width * BenchTinyGpt.Width + 2L * BenchTinyGpt.Context * BenchTinyGpt.Context * BenchTinyGpt.Width)
            + (long)BenchTinyGpt.Context * BenchTinyGpt.Width * BenchTinyGpt.Vocabulary, b => new BenchTinyGpt(b, 0)),
    ];

    /// <summary>The table; <paramref name="only"/> (name prefixes) limits the network rows, SGEMM always runs as the reference rate.</summary>
    public static void Run(TextWriter output, string csvPath, bool eager = true, string[]? only = null)
    {
        bool Chosen(string name) => only is not { Length: > 0 } || only.Any(p => name.StartsWith(p, StringComparison.Ordinal));
        var rows = new List<(string Case, string Metric, double Value, string Unit)>();
        output.WriteLine($"machine: {Environment.ProcessorCount} cores, Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "yes" : "no")}, .NET {Environment.Version}");
        output.WriteLine();
        output.WriteLine($"{"sgemm (square)",-24} {"GFLOP/s",10}");
        foreach (int n in new[] { 256, 512, 1024, 2048 })
        {
            var rng = new SeededRandom((ulong)n);
            var a = Random(rng, n * n);
            var b = Random(rng, n * n);
            var c = new float[n * n];
            double seconds = Measure.BestSeconds(() => Gemm.Multiply(a, b, c, n, n, n), runs: n >= 2048 ? 5 : 15);
            double gflops = Measure.GemmGflops(n, n, n, seconds);
            output.WriteLine($"{"sgemm " + n,-24} {gflops,10:F1}");
            rows.Add(("sgemm " + n, "gflops", gflops, "GFLOP/s"));
        }
        output.WriteLine();
        output.WriteLine(Header("MLP (Adam, softmax CE)"));
        foreach (var mlp in Cases.Where(c => Chosen(c.Name)))
            MeasureRow(output, rows, mlp.Name, mlp.Batch, mlp.Widths[0], mlp.Widths[^1], mlp.MultiplyAdds, mlp.Create(mlp.Batch), eager);
        output.WriteLine();
        output.WriteLine(Header("CNN (Adam, softmax CE)"));
        foreach (var cnn in ConvCases.Where(c => Chosen(c.Name)))
            MeasureRow(output, rows, cnn.Name, cnn.Batch, cnn.InputSize, cnn.Classes, cnn.MultiplyAdds, cnn.Create(cnn.Batch), eager: false);
        output.WriteLine();
        output.WriteLine(Header("Transformer (Adam, CE)"));
        foreach (var gpt in SequenceCases.Where(c => Chosen(c.Name)))
            MeasureRow(output, rows, gpt.Name, gpt.Batch, gpt.InputSize, gpt.Classes, gpt.MultiplyAdds, gpt.Create(gpt.Batch), eager: false, tokenIds: true);
        WriteCsv(csvPath, rows);
        output.WriteLine();
        output.WriteLine($"wrote {csvPath}");
    }

    private static string Header(string title) =>
        $"{title,-24} {"train µs",10} {"GFLOP/s",8} {"infer µs",10} {"GFLOP/s",8} {"bytes/step",11} {"eager µs",12} {"eager ×",8}";

    /// <summary>One row of the table: training step, inference, FLOP rates, bytes per call, eager step.</summary>
    private static void MeasureRow(TextWriter output, List<(string Case, string Metric, double Value, string Unit)> rows,
        string name, int batch, int inputSize, int classes, long multiplyAdds, ITrainableNetwork<int> net, bool eager, bool tokenIds = false)
    {
        var rng = new SeededRandom(1);
        // Token ids are whole numbers below the vocabulary (= classes); other inputs uniform in [-0.5, 0.5).
        var x = tokenIds ? Enumerable.Range(0, batch * inputSize).Select(_ => (float)rng.NextInt(classes)).ToArray() : Random(rng, batch * inputSize);
        var y = new int[batch * net.TargetSize];
        for (int i = 0; i < y.Length; i++) y[i] = rng.NextInt(classes);
        var destination = new float[batch * net.OutputSize];
        var optimizer = new Adam(1e-4f);
        // The previous row's eager interpreter leaves gigabytes of garbage: collect it now, or a
        // background collection would take a core away in the middle of this row's timing.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        double train = Measure.BestSeconds(() => net.TrainStep(x, y, optimizer));
        double infer = Measure.BestSeconds(() => net.Forward(x, destination));
        long allocated = AllocatedPerCall(() => net.TrainStep(x, y, optimizer)) + AllocatedPerCall(() => net.Forward(x, destination));
        double trainGflops = 6.0 * batch * multiplyAdds / train / 1e9;
        double inferGflops = 2.0 * batch * multiplyAdds / infer / 1e9;
        double eagerSeconds = eager ? EagerStep(net, x, y) : double.NaN;
        string eagerColumns = eager
            ? string.Create(CultureInfo.InvariantCulture, $"{eagerSeconds * 1e6,12:F0} {eagerSeconds / train,8:F0}")
            : $"{"-",12} {"-",8}";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-24} {train * 1e6,10:F1} {trainGflops,8:F1} {infer * 1e6,10:F1} {inferGflops,8:F1} {allocated,11} ") + eagerColumns);
        rows.Add((name, "train_step", train * 1e6, "us"));
        rows.Add((name, "train_gflops", trainGflops, "GFLOP/s"));
        rows.Add((name, "inference", infer * 1e6, "us"));
        rows.Add((name, "inference_gflops", inferGflops, "GFLOP/s"));
        rows.Add((name, "allocated", allocated, "bytes"));
        if (eager) rows.Add((name, "eager_train_step", eagerSeconds * 1e6, "us"));
    }

    /// <summary>Bytes allocated per call on this thread, after warm-up.</summary>
    private static long AllocatedPerCall(Action action)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) action();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / 20;
    }

    /// <summary>Seconds per eager (double precision, tape) forward + backward on the same batch; best of a few.</summary>
    private static double EagerStep(ITrainableNetwork<int> net, float[] x, int[] y)
    {
        var model = new EagerModel((IEagerNetwork)net, net.ParameterTable, net.Parameters);
        model.ComputeGradients(x, y);
        double best = double.MaxValue;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 5 && clock.Elapsed.TotalSeconds < 10; i++)
        {
            long start = Stopwatch.GetTimestamp();
            model.ComputeGradients(x, y);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }

    private static float[] Random(SeededRandom rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = rng.NextSingle() - 0.5f;
        return values;
    }

    private static void WriteCsv(string path, List<(string Case, string Metric, double Value, string Unit)> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var writer = new StreamWriter(path);
        writer.WriteLine("case,metric,value,unit");
        foreach (var (c, metric, value, unit) in rows)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c},{metric},{value:0.###},{unit}"));
    }
}
