using GraphGen.Kernels;
using Microsoft.ML.OnnxRuntime;

namespace GraphGen.Onnx.Tests;

/// <summary>How far ONNX Runtime's outputs of an exported network are from the network's own Forward.</summary>
/// <param name="Outputs">The graph outputs compared (the first is Forward's output, the others the [Forward] method's further results).</param>
/// <param name="MaxAbsoluteDifference">The largest |ONNX Runtime − GraphGen| over every compared element.</param>
/// <param name="RelativeDifference">The largest, over the outputs, of max |difference| / max |GraphGen's value| of that output.</param>
/// <param name="NoiseInputs">The RandomNormalLike nodes fed with GraphGen's own noise for the comparison (sampling networks).</param>
internal sealed record Agreement(int Outputs, double MaxAbsoluteDifference, double RelativeDifference, int NoiseInputs);

/// <summary>Exports a compiled network, runs the file in ONNX Runtime and compares it with the network's Forward.</summary>
internal static class ExportAgreement
{
    private const string RandomNormalLike = "RandomNormalLike";

    /// <summary>
    /// A few optimizer steps on random targets, so that biases, BatchNorm's scale and shift and its
    /// running statistics are no longer their trivial initial values (zeros, ones).
    /// </summary>
    public static void TrainBriefly(CompiledNetwork network, float[] inputs, int batch, int steps = 2)
    {
        var optimizer = new Adam(1e-2f);
        var rng = new SeededRandom(7);
        switch (network)
        {
            case TrainableNetwork<int> classifier:
                var labels = new int[batch * classifier.TargetSize];
                for (int step = 0; step < steps; step++)
                {
                    for (int i = 0; i < labels.Length; i++) labels[i] = rng.NextInt(classifier.ClassCount);
                    classifier.TrainStep(inputs, labels, optimizer);
                }
                break;
            case TrainableNetwork<float> regressor:
                // In [0, 1]: valid for every loss of the examples (binary cross-entropy needs it).
                var targets = new float[batch * regressor.TargetSize];
                for (int step = 0; step < steps; step++)
                {
                    for (int i = 0; i < targets.Length; i++) targets[i] = rng.NextSingle();
                    regressor.TrainStep(inputs, targets, optimizer);
                }
                break;
            // A network without a [Loss] (a decoder) keeps its initial parameters.
        }
    }

    /// <summary>
    /// Runs <paramref name="input"/> (<paramref name="batch"/> samples) through the network and its
    /// exported model and compares every output. A sampling network's model draws its noise from
    /// ONNX Runtime's generator, so its RandomNormalLike nodes are compared with GraphGen's noise fed
    /// in their place (and the model as exported is run too: its outputs must be finite and of the right size).
    /// </summary>
    public static Agreement Measure(CompiledNetwork network, float[] input, int batch)
    {
        var graph = new OnnxGraphBuilder();
        ((IOnnxExportable)network).BuildOnnx(graph);
        var noiseNodes = graph.Nodes.Where(n => n.OpType == RandomNormalLike).ToArray();
        // GraphGen's noise of this inference pass: Sample node k draws from (seed, stream k, evaluation step).
        // (Streams are numbered over Sample and Dropout nodes together; no example mixes them, and a wrong
        // stream would show as a large difference, not hide one.)
        var noise = noiseNodes.Select((node, k) =>
        {
            int[] shape = network.Activations.Single(a => a.Name == node.Inputs[0]).Shape;
            var eps = new float[batch * shape.Aggregate(1, (a, b) => a * b)];
            GaussianNoise.Fill(eps, SeededRandom.StreamSeed(network.Seed, k), (ulong)network.EvaluationSteps);
            return (node.Outputs[0], Shape: shape, Values: eps);
        }).ToArray();

        var expected = new List<float[]>();
        var forward = new float[batch * network.OutputSize];
        network.Forward(input, forward);
        expected.Add(forward);
        for (int i = 1; i < network.OutputSizes.Count; i++) expected.Add(network.LastOutputAt(i).ToArray());

        byte[] exported = OnnxExport.ToBytes(network);
        var feeds = new List<(string Name, float[] Values, int[] Shape)> { (graph.Inputs[0].Name, input, graph.Inputs[0].Shape) };
        if (noiseNodes.Length > 0)
        {
            var actualNoise = Run(exported, feeds, batch);
            for (int o = 0; o < actualNoise.Length; o++)
            {
                Assert.Equal(expected[o].Length, actualNoise[o].Length);
                Assert.All(actualNoise[o], v => Assert.True(float.IsFinite(v)));
            }
            feeds.AddRange(noise.Select(n => (n.Item1, n.Values, n.Shape)));
        }
        byte[] model = noiseNodes.Length == 0 ? exported
            : OnnxExport.ToBytes(WithNoiseAsInputs(graph, noise.ToDictionary(n => n.Item1, n => n.Shape)), network.Name, name => OnnxExport.FindTensor(network, name));
        var actual = Run(model, feeds, batch);
        if (actual.Length > expected.Count)
            throw new InvalidOperationException($"{network.Name}'s model has {actual.Length} outputs but [Forward] returns {expected.Count}.");

        double maxAbsolute = 0, relative = 0;
        for (int o = 0; o < actual.Length; o++)
        {
            if (actual[o].Length != expected[o].Length)
                throw new InvalidOperationException($"{network.Name}'s output {o} has {actual[o].Length} floats for batch {batch}, GraphGen's {expected[o].Length}.");
            double difference = 0, scale = 0;
            for (int i = 0; i < actual[o].Length; i++)
            {
                difference = Math.Max(difference, Math.Abs((double)actual[o][i] - expected[o][i]));
                scale = Math.Max(scale, Math.Abs((double)expected[o][i]));
            }
            maxAbsolute = Math.Max(maxAbsolute, difference);
            relative = Math.Max(relative, scale == 0 ? difference : difference / scale);
        }
        return new Agreement(actual.Length, maxAbsolute, relative, noiseNodes.Length);
    }

    // Every output of the model, flat, for the given float inputs of shape [batch, shape...].
    private static float[][] Run(byte[] model, List<(string Name, float[] Values, int[] Shape)> feeds, int batch)
    {
        using var session = new InferenceSession(model);
        var values = feeds.Select(f => OrtValue.CreateTensorValueFromMemory(f.Values, [batch, .. f.Shape.Select(d => (long)d)])).ToArray();
        try
        {
            using var options = new RunOptions();
            using var results = session.Run(options, [.. feeds.Select(f => f.Name)], values, [.. session.OutputNames]);
            return [.. results.Select(r => r.GetTensorDataAsSpan<float>().ToArray())];
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    // The same graph with each RandomNormalLike node replaced by a graph input of the same name.
    private static OnnxGraphBuilder WithNoiseAsInputs(OnnxGraphBuilder graph, Dictionary<string, int[]> noise)
    {
        var copy = new OnnxGraphBuilder();
        foreach (var input in graph.Inputs) copy.Input(input.Name, input.Shape);
        foreach (var constant in graph.Constants)
        {
            if (constant.Floats is { } floats) copy.Floats(constant.Name, constant.Dims, floats);
            else copy.Int64s(constant.Name, constant.Int64s!);
        }
        foreach (var node in graph.Nodes)
        {
            if (node.OpType == RandomNormalLike) copy.Input(node.Outputs[0], noise[node.Outputs[0]]);
            else copy.Node(node.OpType, node.Inputs, node.Outputs, node.Attributes);
        }
        foreach (var output in graph.Outputs) copy.Output(output.Name, output.Shape);
        return copy;
    }
}
