using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GraphGen.Peers;

/// <summary>
/// ONNX Runtime 1.32 (CPU execution provider) as an inference peer: one session per case and thread
/// count (all graph optimisations, sequential execution, <c>threads</c> intra-op threads), the input
/// and output bound once through an <see cref="OrtIoBinding"/> to managed arrays that the
/// <see cref="OrtValue"/>s keep pinned, so a timed call is one <c>RunWithBinding</c> that neither
/// allocates nor copies. Input and output names, element type and shape come from the model, whose
/// batch axis must be its only symbolic one (export_onnx.py writes them so).
/// </summary>
public static class OnnxRuntimePeer
{
    /// <summary>Inference seconds of <paramref name="modelPath"/> at the case's batch with <paramref name="threads"/> intra-op threads.</summary>
    public static double Measure(PeerCase c, string modelPath, int threads)
    {
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"no ONNX model for case '{c.Name}' at {modelPath}: run bench/peers/export_onnx.py first (compare.py does)", modelPath);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(modelPath, options);
        var (inputName, inputMeta) = session.InputMetadata.Single();
        var (outputName, outputMeta) = session.OutputMetadata.Single();
        long[] inputShape = WithBatch(inputMeta, c.Batch, modelPath);
        long[] outputShape = WithBatch(outputMeta, c.Batch, modelPath);
        if (inputShape.Aggregate(1L, (a, b) => a * b) != c.InputElements)
            throw new InvalidDataException($"{modelPath}: input shape [{string.Join(", ", inputShape)}] does not hold one batch of case '{c.Name}' ({c.InputElements} elements)");

        using var input = InputValue(c, inputMeta.ElementDataType, inputShape, modelPath);
        using var output = OrtValue.CreateTensorValueFromMemory(new float[outputShape.Aggregate(1L, (a, b) => a * b)], outputShape);
        using var binding = session.CreateIoBinding();
        binding.BindInput(inputName, input);
        binding.BindOutput(outputName, output);
        binding.SynchronizeBoundInputs();
        using var run = new RunOptions();
        return Bench.Measure.BestSeconds(() => session.RunWithBinding(run, binding));
    }

    /// <summary>The model's shape for this node with the symbolic batch axis set to <paramref name="batch"/>.</summary>
    private static long[] WithBatch(NodeMetadata meta, int batch, string modelPath)
    {
        var dims = meta.Dimensions.Select(d => (long)d).ToArray();
        if (dims.Length == 0 || dims[0] != -1 || dims.Skip(1).Any(d => d < 0))
            throw new InvalidDataException($"{modelPath}: expected a symbolic batch axis first and fixed axes after it, found [{string.Join(", ", meta.SymbolicDimensions.Zip(dims, (s, d) => d < 0 ? s : d.ToString()))}]");
        dims[0] = batch;
        return dims;
    }

    /// <summary>A pinned input batch: uniform floats in [-0.5, 0.5), or token ids below the class count for an int64 input.</summary>
    private static OrtValue InputValue(PeerCase c, TensorElementType type, long[] shape, string modelPath)
    {
        var rng = new Random(1);
        switch (type)
        {
            case TensorElementType.Float when c.Sequence:   // GraphGen's export: token ids as floats, as its networks take them
                return OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, (int)c.InputElements).Select(_ => (float)rng.Next(c.Classes)).ToArray(), shape);
            case TensorElementType.Float:
                return OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, (int)c.InputElements).Select(_ => rng.NextSingle() - 0.5f).ToArray(), shape);
            case TensorElementType.Int64:
                return OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, (int)c.InputElements).Select(_ => (long)rng.Next(c.Classes)).ToArray(), shape);
            default:
                throw new InvalidDataException($"{modelPath}: input element type {type} is not supported (float images, float token ids from GraphGen's export, int64 token ids from PyTorch's)");
        }
    }
}
