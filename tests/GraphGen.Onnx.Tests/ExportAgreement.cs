using Microsoft.ML.OnnxRuntime;

namespace GraphGen.Onnx.Tests;

/// <summary>How far ONNX Runtime's outputs of an exported network are from the network's own Forward.</summary>
/// <param name="Outputs">The graph outputs compared (the first is Forward's output, the others the [Forward] method's further results).</param>
/// <param name="MaxAbsoluteDifference">The largest |ONNX Runtime − GraphGen| over every compared element.</param>
/// <param name="RelativeDifference">The largest, over the outputs, of max |difference| / max |GraphGen's value| of that output.</param>
internal sealed record Agreement(int Outputs, double MaxAbsoluteDifference, double RelativeDifference);

/// <summary>Exports a compiled network, runs the file in ONNX Runtime and compares it with the network's Forward.</summary>
internal static class ExportAgreement
{
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

    /// <summary>Runs <paramref name="input"/> (<paramref name="batch"/> samples) through the network and its exported model and compares every output.</summary>
    public static Agreement Measure(CompiledNetwork network, float[] input, int batch)
    {
        byte[] model = OnnxExport.ToBytes(network);
        var expected = new List<float[]>();
        var forward = new float[batch * network.OutputSize];
        network.Forward(input, forward);
        expected.Add(forward);
        for (int i = 1; i < network.OutputSizes.Count; i++) expected.Add(network.LastOutputAt(i).ToArray());

        using var session = new InferenceSession(model);
        var inputShape = session.InputMetadata.Single().Value.Dimensions;
        long[] shape = [batch, .. inputShape.Skip(1).Select(d => (long)d)];
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var options = new RunOptions();
        var outputNames = session.OutputNames.ToArray();
        if (outputNames.Length > expected.Count)
            throw new InvalidOperationException($"{network.Name}'s model has {outputNames.Length} outputs but [Forward] returns {expected.Count}.");
        using var results = session.Run(options, [session.InputNames[0]], [value], outputNames);

        double maxAbsolute = 0, relative = 0;
        for (int o = 0; o < outputNames.Length; o++)
        {
            var actual = results[o].GetTensorDataAsSpan<float>();
            if (actual.Length != expected[o].Length)
                throw new InvalidOperationException($"{network.Name}'s output '{outputNames[o]}' has {actual.Length} floats for batch {batch}, GraphGen's {expected[o].Length}.");
            double difference = 0, scale = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                difference = Math.Max(difference, Math.Abs((double)actual[i] - expected[o][i]));
                scale = Math.Max(scale, Math.Abs((double)expected[o][i]));
            }
            maxAbsolute = Math.Max(maxAbsolute, difference);
            relative = Math.Max(relative, scale == 0 ? difference : difference / scale);
        }
        return new Agreement(outputNames.Length, maxAbsolute, relative);
    }
}
