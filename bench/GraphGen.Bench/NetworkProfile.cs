using System.Globalization;
using GraphGen.Kernels;

namespace GraphGen.Bench;

/// <summary>
/// `profile [case...] [--threads N]`: where the time of the quick table's MLP training steps and
/// inference passes goes. Each runtime call that the generated code of the case makes (argument
/// checks, every GEMM with its epilogue, the loss, the bias sums, the optimizer) is timed on
/// its own, on buffers of the same sizes, with the best-of-runs timing of the quick table; then
/// the whole step through the generated network, for comparison with the sum.
/// </summary>
public static class NetworkProfile
{
    public static void Run(TextWriter output, string[] args)
    {
        int threadsAt = Array.IndexOf(args, "--threads");
        if (threadsAt >= 0) Gemm.MaxThreads = int.Parse(args[threadsAt + 1], CultureInfo.InvariantCulture);
        var names = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (threadsAt < 0 || i != threadsAt + 1)).ToArray();
        output.WriteLine($"{Gemm.MaxThreads} thread(s); µs per call, best of runs");
        foreach (var mlp in NetworkQuick.Cases)
        {
            if (names.Length > 0 && !names.Any(n => mlp.Name.StartsWith(n, StringComparison.Ordinal))) continue;
            Profile(output, mlp);
        }
    }

    private static void Profile(TextWriter output, NetworkQuick.MlpCase mlp)
    {
        int batch = mlp.Batch, layers = mlp.Widths.Length - 1, classes = mlp.Widths[^1];
        var rng = new SeededRandom(1);
        var x = Random(rng, batch * mlp.Widths[0]);
        var y = new int[batch];
        for (int i = 0; i < y.Length; i++) y[i] = rng.NextInt(classes);
        var weights = new float[layers][];
        var biases = new float[layers][];
        var dWeights = new float[layers][];
        var dBiases = new float[layers][];
        var outputs = new float[layers][]; // activation after layer l (ReLU except the last)
        var dOutputs = new float[layers][]; // gradient w.r.t. the pre-activation of layer l
        for (int l = 0; l < layers; l++)
        {
            int fanIn = mlp.Widths[l], fanOut = mlp.Widths[l + 1];
            weights[l] = Random(rng, fanOut * fanIn);
            biases[l] = Random(rng, fanOut);
            dWeights[l] = new float[fanOut * fanIn];
            dBiases[l] = new float[fanOut];
            outputs[l] = new float[batch * fanOut];
            dOutputs[l] = new float[batch * fanOut];
        }
        var steps = new List<(string Name, string Phase, Action Run)>();
        var destination = new float[batch * classes];
        steps.Add(("guards (BatchOf, Labels)", "train", () => { NetworkGuard.BatchOf("N", x, mlp.Widths[0], batch); NetworkGuard.Labels("N", y, batch, classes); }));
        steps.Add(("guards (BatchOf, Output)", "infer", () => { NetworkGuard.BatchOf("N", x, mlp.Widths[0], batch); NetworkGuard.Output("N", destination, batch, classes); }));
        for (int l = 0; l < layers; l++)
        {
            int li = l, fanIn = mlp.Widths[l], fanOut = mlp.Widths[l + 1];
            float[] input = l == 0 ? x : outputs[l - 1];
            steps.Add(($"fc{l + 1} Y=act(X·Wᵀ+b) {batch}×{fanOut}×{fanIn}", "both", l < layers - 1
                ? () => Gemm.MultiplyTransposedB(input, weights[li], outputs[li], batch, fanOut, fanIn, biases[li], new Relu())
                : () => Gemm.MultiplyTransposedB(input, weights[li], outputs[li], batch, fanOut, fanIn, biases[li])));
        }
        steps.Add(("softmax CE + gradient", "train", () => Losses.SoftmaxCrossEntropy(outputs[^1], y, dOutputs[^1], batch, classes)));
        for (int l = layers - 1; l >= 0; l--)
        {
            int li = l, fanIn = mlp.Widths[l], fanOut = mlp.Widths[l + 1];
            float[] input = l == 0 ? x : outputs[l - 1];
            steps.Add(($"fc{l + 1} dW=dYᵀ·X {fanOut}×{fanIn}×{batch}", "train",
                () => Gemm.MultiplyTransposedA(dOutputs[li], input, dWeights[li], fanOut, fanIn, batch)));
            steps.Add(($"fc{l + 1} db=SumRows {batch}×{fanOut}", "train",
                () => Bias.SumRows(dOutputs[li], dBiases[li], batch, fanOut, accumulate: false)));
            if (l > 0)
                steps.Add(($"fc{l + 1} dX=(dY·W)⊙relu′ {batch}×{fanIn}×{fanOut}", "train",
                    () => Gemm.Multiply(dOutputs[li], weights[li], dOutputs[li - 1], batch, fanIn, fanOut, new Relu(), derivativeSource: outputs[li - 1])));
        }
        int parameterCount = weights.Sum(w => w.Length) + biases.Sum(b => b.Length);
        var parameters = Random(rng, parameterCount);
        var gradients = Random(rng, parameterCount);
        for (int i = 0; i < gradients.Length; i++) gradients[i] *= 1e-3f;
        var stepAdam = new Adam(1e-4f);
        steps.Add(($"Adam.Step ({parameterCount} parameters)", "train", () => stepAdam.Step(parameters, gradients)));

        output.WriteLine();
        output.WriteLine($"{mlp.Name}");
        if (Environment.GetEnvironmentVariable("PROFILE_NETWORK_ONLY") == "1")
        {
            var only = mlp.Create(batch);
            var adam = new TimedAdam(1e-4f);
            for (int round = 0; round < 3; round++)
            {
                double step = Measure.BestSeconds(() => only.TrainStep(x, y, adam), runs: 9) * 1e6;
                double forward = Measure.BestSeconds(() => only.Forward(x, destination), runs: 9) * 1e6;
                var stepSamples = new List<double>();
                for (int i = 0; i < 2000; i++)
                {
                    long start = System.Diagnostics.Stopwatch.GetTimestamp();
                    only.TrainStep(x, y, adam);
                    stepSamples.Add((System.Diagnostics.Stopwatch.GetTimestamp() - start) * 1e6 / System.Diagnostics.Stopwatch.Frequency);
                }
                stepSamples.Sort();
                adam.Samples.Sort();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  generated network: TrainStep / Forward {step,9:F2} {forward,9:F2}; step median {stepSamples[stepSamples.Count / 2]:F2}, Adam median {adam.Samples[adam.Samples.Count / 2]:F2}"));
                adam.Samples.Clear();
            }
            return;
        }
        double train = 0, infer = 0;
        foreach (var (name, phase, run) in steps)
        {
            double us = Measure.BestSeconds(run, runs: 9, warmupSeconds: 0.2, runSeconds: 0.01) * 1e6;
            if (phase != "infer") train += us;
            if (phase != "train") infer += us;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-44} {phase,-6} {us,9:F2}"));
        }
        var trainSteps = steps.Where(t => t.Phase != "infer").ToArray();
        double composed = Measure.BestSeconds(() => { foreach (var step in trainSteps) step.Run(); }, runs: 9) * 1e6;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"the parts back to back: train",-44} {"",-6} {composed,9:F2}"));
        // Each part inside the sequence (its caches as the step before left them): the median
        // of many sequences, so that one preempted call does not count.
        var inSequence = InSequence(trainSteps.Select(t => t.Run).ToArray());
        for (int i = 0; i < trainSteps.Length; i++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    in sequence: {trainSteps[i].Name,-44} {inSequence[i],9:F2}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    in sequence: {"sum of the medians",-44} {inSequence.Sum(),9:F2}"));
        if (Environment.GetEnvironmentVariable("PROFILE_SUBSETS") is string subsets)
        {
            foreach (string subset in subsets.Split(';'))
            {
                var chosen = subset.Split(',').Select(i => steps[int.Parse(i, CultureInfo.InvariantCulture)]).ToArray();
                double t = Measure.BestSeconds(() => { foreach (var step in chosen) step.Run(); }, runs: 9) * 1e6;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{subset}] {string.Join(" + ", chosen.Select(c => c.Name.Split(' ')[0] + " " + c.Name.Split(' ')[1]))}: {t:F2}"));
            }
            return;
        }
        var net = mlp.Create(batch);
        var optimizer = new Adam(1e-4f);
        // The quick table trains on one batch over and over: the loss falls and, eventually,
        // gradients underflow into subnormals (slow on every x86 core). Show how far it got.
        float firstLoss = net.TrainStep(x, y, optimizer);
        double whole = Measure.BestSeconds(() => net.TrainStep(x, y, optimizer), runs: 9) * 1e6;
        double wholeInfer = Measure.BestSeconds(() => net.Forward(x, destination), runs: 9) * 1e6;
        float lastLoss = net.TrainStep(x, y, optimizer);
        int subnormal = 0;
        foreach (float g in net.Gradients) if (g != 0 && !float.IsNormal(g)) subnormal++;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  loss {firstLoss:G4} → {lastLoss:G4} after {optimizer.StepCount} steps; {subnormal} subnormal gradients"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"sum of the parts: train / infer",-44} {"",-6} {train,9:F2} {infer,9:F2}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"generated network: TrainStep / Forward",-44} {"",-6} {whole,9:F2} {wholeInfer,9:F2}"));
    }

    /// <summary>Median µs of each action when the actions run in order, over a few hundred milliseconds of sequences.</summary>
    private static double[] InSequence(Action[] actions)
    {
        var samples = actions.Select(_ => new List<double>()).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int round = 0; clock.Elapsed.TotalSeconds < 0.5 || round < 20; round++)
        {
            for (int i = 0; i < actions.Length; i++)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                actions[i]();
                if (round >= 10) samples[i].Add((System.Diagnostics.Stopwatch.GetTimestamp() - start) * 1e6 / System.Diagnostics.Stopwatch.Frequency);
            }
        }
        return samples.Select(list => { list.Sort(); return list[list.Count / 2]; }).ToArray();
    }

    private static float[] Random(SeededRandom rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = rng.NextSingle() - 0.5f;
        return values;
    }

    /// <summary>Adam that records how long each update takes inside the training step.</summary>
    private sealed class TimedAdam(float learningRate) : Adam(learningRate)
    {
        public readonly List<double> Samples = new(1 << 16);

        protected override void Update(Span<float> p, ReadOnlySpan<float> g)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            base.Update(p, g);
            if (Samples.Count < Samples.Capacity) Samples.Add((System.Diagnostics.Stopwatch.GetTimestamp() - start) * 1e6 / System.Diagnostics.Stopwatch.Frequency);
        }
    }
}
