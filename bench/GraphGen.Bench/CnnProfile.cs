using System.Globalization;
using GraphGen.Kernels;

namespace GraphGen.Bench;

/// <summary>
/// `profile-cnn [network...] [--threads N] [--force Direct|Im2ColGemm|Winograd|ChannelsLast] [--small-tiles]`: where the
/// convolutional networks' time goes (`--small-tiles`: Winograd's F(2×2, 3×3) on every shape, against F(4×4, 3×3)). Each
/// convolution of the network is timed alone (forward, input gradient, weight gradient) on
/// buffers of its sizes, with its GFLOP/s, and so are the BatchNorm, ReLU and pooling passes
/// over its output; the quick table's best-of-runs timing.
/// </summary>
public static class CnnProfile
{
    /// <summary>
    /// One convolution of a network and what follows it (BatchNorm and ReLU, or ReLU alone);
    /// <paramref name="Count"/> convolutions of that shape in the network (timed once, summed Count times).
    /// </summary>
    private sealed record Layer(string Name, Conv2dShape Shape, bool BatchNorm, bool FirstLayer = false, int Count = 1);

    private static readonly (string Network, int Batch, Layer[] Layers)[] Networks =
    [
        ("lenet-5", 64,
        [
            new("conv1", new Conv2dShape(1, 28, 28, 6, 5, 5, PadH: 2, PadW: 2), false, FirstLayer: true),
            new("conv2", new Conv2dShape(6, 14, 14, 16, 5, 5), false),
        ]),
        ("resnet-fashion", 64,
        [
            new("stem", new Conv2dShape(1, 28, 28, 16, 3, 3, PadH: 1, PadW: 1), true, FirstLayer: true),
            new("stage1.conv1", new Conv2dShape(16, 14, 14, 16, 3, 3, PadH: 1, PadW: 1), true),
            new("stage1.conv2", new Conv2dShape(16, 14, 14, 16, 3, 3, PadH: 1, PadW: 1), true),
            new("down", new Conv2dShape(16, 14, 14, 32, 3, 3, 2, 2, 1, 1), true),
            new("stage2.conv1", new Conv2dShape(32, 7, 7, 32, 3, 3, PadH: 1, PadW: 1), true),
            new("stage2.conv2", new Conv2dShape(32, 7, 7, 32, 3, 3, PadH: 1, PadW: 1), true),
        ]),
        ("resnet64", 32,
        [
            new("stem", new Conv2dShape(3, 32, 32, 64, 3, 3, PadH: 1, PadW: 1), true, FirstLayer: true),
            new("stage1.conv×2", new Conv2dShape(64, 16, 16, 64, 3, 3, PadH: 1, PadW: 1), true, Count: 2),
            new("down", new Conv2dShape(64, 16, 16, 128, 3, 3, 2, 2, 1, 1), true),
            new("stage2.conv×2", new Conv2dShape(128, 8, 8, 128, 3, 3, PadH: 1, PadW: 1), true, Count: 2),
        ]),
    ];

    public static void Run(TextWriter output, string[] args)
    {
        int threadsAt = Array.IndexOf(args, "--threads");
        if (threadsAt >= 0) Gemm.MaxThreads = int.Parse(args[threadsAt + 1], CultureInfo.InvariantCulture);
        int forceAt = Array.IndexOf(args, "--force");
        if (forceAt >= 0) ConvAlgorithms.Forced = Enum.Parse<ConvAlgorithm>(args[forceAt + 1], ignoreCase: true);
        ConvWinograd.SmallTilesForced = args.Contains("--small-tiles");
        var names = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (threadsAt < 0 || i != threadsAt + 1) && (forceAt < 0 || i != forceAt + 1)).ToArray();
        output.WriteLine($"{Gemm.MaxThreads} thread(s); µs per call, best of runs; GFLOP/s of the convolution passes");
        foreach (var (network, batch, layers) in Networks)
        {
            if (names.Length > 0 && !names.Any(n => network.StartsWith(n, StringComparison.Ordinal))) continue;
            output.WriteLine();
            output.WriteLine($"{network} b{batch}");
            double convTrain = 0, otherTrain = 0, convInfer = 0, otherInfer = 0;
            var passes = layers.Select(layer => new Passes(layer, batch)).ToArray();
            // Every pass a few times first, for a second or more: .NET compiles a method's optimised
            // code (tier 1) in the background only after ~30 calls, and with both cores busy that
            // can take longer than one pass's warm-up (the stem's forward read 626 µs at tier 0
            // against 120 µs optimised).
            var warm = System.Diagnostics.Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 1.5)
                foreach (var pass in passes) pass.RunAll();
            foreach (var (layer, pass) in layers.Zip(passes))
            {
                var (ct, ot, ci, oi) = pass.Profile(output);
                convTrain += layer.Count * ct; otherTrain += layer.Count * ot; convInfer += layer.Count * ci; otherInfer += layer.Count * oi;
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  sum (×2 layers counted twice): training convolutions {convTrain:F0}, the rest {otherTrain:F0}; inference convolutions {convInfer:F0}, the rest {otherInfer:F0}"));
        }
    }

    /// <summary>The passes of one layer on buffers of its sizes: the convolution's three, then BatchNorm's and ReLU's.</summary>
    private sealed class Passes
    {
        private readonly Layer _layer;
        private readonly Conv2dShape _shape;
        private readonly double _flops;
        private readonly Action _forward, _backwardInput, _backwardWeight, _bnTrain, _bnInfer, _bnBackward, _relu, _reluBackward;

        public Passes(Layer layer, int batch)
        {
            _layer = layer;
            var s = _shape = layer.Shape;
            var rng = new SeededRandom(7);
            var x = Random(rng, batch * s.InputSize);
            var w = Random(rng, s.WeightSize);
            var y = new float[batch * s.OutputSize];
            var dy = Random(rng, batch * s.OutputSize);
            var dx = new float[batch * s.InputSize];
            var dw = new float[s.WeightSize];
            _flops = 2.0 * batch * s.OutputSize * s.GroupWeightColumns;
            _forward = () => Conv2d.Forward(in s, batch, x, w, default, y);
            _backwardInput = layer.FirstLayer ? () => { } : () => Conv2d.BackwardInput(in s, batch, dy, w, dx, accumulate: false);
            _backwardWeight = () => Conv2d.BackwardWeight(in s, batch, x, dy, dw, default, accumulate: false);
            int c = s.OutChannels, spatial = s.OutPlane;
            var g = Random(rng, c);
            var bta = Random(rng, c);
            var mean = new float[c];
            var inv = new float[c];
            var rm = new float[c];
            var rv = Enumerable.Repeat(1f, c).ToArray();
            var z = new float[y.Length];
            var dz = new float[y.Length];
            var dg = new float[c];
            var db = new float[c];
            _bnTrain = () => BatchNorm.ForwardTraining(batch, c, spatial, y, g, bta, z, mean, inv, rm, rv);
            _bnInfer = () => BatchNorm.ForwardInference(batch, c, spatial, y, g, bta, rm, rv, z);
            _bnBackward = () => BatchNorm.Backward(batch, c, spatial, dy, y, g, mean, inv, dz, dg, db, accumulate: false);
            _relu = () => Activations.Forward(new Relu(), z, y);
            _reluBackward = () => Activations.Backward(new Relu(), y, dy, dz, accumulate: false);
        }

        public void RunAll()
        {
            _forward(); _backwardInput(); _backwardWeight();
            if (_layer.BatchNorm) { _bnTrain(); _bnInfer(); _bnBackward(); }
            _relu(); _reluBackward();
        }

        public (double ConvTrain, double OtherTrain, double ConvInfer, double OtherInfer) Profile(TextWriter output)
        {
            var s = _shape;
            static double Time(Action a) => Measure.BestSeconds(a, runs: 9, warmupSeconds: 0.2, runSeconds: 0.01) * 1e6;
            double fwd = Time(_forward);
            double bwdIn = _layer.FirstLayer ? 0 : Time(_backwardInput);
            double bwdW = Time(_backwardWeight);
            string Rate(double us) => us == 0 ? "      -" : (_flops / us / 1e3).ToString("F0", CultureInfo.InvariantCulture).PadLeft(7);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {_layer.Name,-14} {s.InChannels}→{s.OutChannels} k{s.KernelHeight} s{s.StrideH} {s.OutHeight}×{s.OutWidth}   forward {fwd,8:F1} ({Rate(fwd)})  dX {bwdIn,8:F1} ({Rate(bwdIn)})  dW {bwdW,8:F1} ({Rate(bwdW)})  [{ConvAlgorithms.Forward(in s)}/{ConvAlgorithms.BackwardInput(in s)}/{ConvAlgorithms.BackwardWeight(in s)}]"));
            double bnTrain = 0, bnInfer = 0, bnBack = 0;
            if (_layer.BatchNorm)
            {
                bnTrain = Time(_bnTrain);
                bnInfer = Time(_bnInfer);
                bnBack = Time(_bnBackward);
            }
            double relu = Time(_relu);
            double reluBack = Time(_reluBackward);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {"",-14} BatchNorm train {bnTrain,7:F1} infer {bnInfer,7:F1} backward {bnBack,7:F1}; ReLU {relu,7:F1} backward {reluBack,7:F1}"));
            return (fwd + bwdIn + bwdW, bnTrain + bnBack + relu + reluBack, fwd, bnInfer + relu);
        }
    }

    private static float[] Random(SeededRandom rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.NextSingle() - 0.5f;
        return a;
    }
}
