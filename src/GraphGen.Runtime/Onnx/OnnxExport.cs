namespace GraphGen.Onnx;

/// <summary>
/// Exports a network's inference graph with its current parameters as an ONNX model
/// (opset <see cref="OnnxGraphBuilder.OpsetVersion"/>, IR version 8) that ONNX Runtime and
/// other ONNX tools run. The graph is the forward pass in inference mode (BatchNorm with its
/// running statistics, no dropout); its inputs and outputs are float32 of shape
/// [batch, ...] with a symbolic batch dimension, named as in the network's [Forward] method.
/// </summary>
/// <remarks>See docs/onnx.md for serving the file with ONNX Runtime and the table of ops.</remarks>
public static class OnnxExport
{
    /// <summary>
    /// Writes the ONNX model of <paramref name="network"/> to <paramref name="path"/>, atomically:
    /// a failure leaves the previous file, if any, intact.
    /// </summary>
    /// <param name="network">A generated network (every [Network] class implements <see cref="IOnnxExportable"/>).</param>
    /// <param name="path">The file to write, conventionally "*.onnx"; its directory must exist.</param>
    /// <exception cref="ArgumentException">The network does not implement <see cref="IOnnxExportable"/>.</exception>
    /// <exception cref="InvalidOperationException">The graph reads a name that nothing makes (see <see cref="ToBytes(INetwork)"/>).</exception>
    /// <exception cref="NotSupportedException">The network uses an op that has no ONNX form.</exception>
    /// <exception cref="IOException">The file cannot be written; the message names it.</exception>
    public static void Save(INetwork network, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] model = ToBytes(network);
        AtomicFile.Write(path, stream => stream.Write(model));
    }

    /// <summary>
    /// The ONNX model of <paramref name="network"/> as bytes (for <c>new InferenceSession(bytes)</c>).
    /// Every parameter and state tensor that a node reads is written as an initializer holding its
    /// current values; parameters the inference graph does not read are left out.
    /// </summary>
    /// <exception cref="ArgumentException">The network does not implement <see cref="IOnnxExportable"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// A node reads a name that is no graph input, constant, output of an earlier node, parameter
    /// or state tensor; the message names it and the node.
    /// </exception>
    /// <exception cref="NotSupportedException">The network uses an op that has no ONNX form (thrown by its generated BuildOnnx, naming the op).</exception>
    public static byte[] ToBytes(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network is not IOnnxExportable exportable)
            throw new ArgumentException(
                $"Network '{network.Name}' ({network.GetType().FullName}) cannot be exported to ONNX: it does not implement {typeof(IOnnxExportable).FullName}. " +
                "The GraphGen generator adds it to every [Network] class: rebuild the project with the current GraphGen package (or implement BuildOnnx by hand for a hand-written network).",
                nameof(network));

        var graph = new OnnxGraphBuilder();
        exportable.BuildOnnx(graph);
        return ToBytes(graph, network.Name, name => FindTensor(network, name));
    }

    /// <summary>
    /// The model of <paramref name="graph"/>: node inputs that no graph input, constant or earlier
    /// node makes are looked up with <paramref name="findInitializer"/> (null: unknown) and written
    /// as initializers, each once, in the order the nodes first read them.
    /// </summary>
    internal static byte[] ToBytes(OnnxGraphBuilder graph, string graphName, Func<string, OnnxInitializer?> findInitializer)
    {
        if (graph.Inputs.Count == 0) throw new InvalidOperationException($"ONNX graph '{graphName}' declares no input.");
        if (graph.Outputs.Count == 0) throw new InvalidOperationException($"ONNX graph '{graphName}' declares no output.");

        var available = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in graph.Inputs) available.Add(input.Name);
        foreach (var constant in graph.Constants) available.Add(constant.Name);

        var initializers = new List<OnnxInitializer>();
        foreach (var node in graph.Nodes)
        {
            foreach (string input in node.Inputs)
            {
                if (input.Length == 0 || available.Contains(input)) continue; // "" is an omitted optional input
                var initializer = findInitializer(input)
                    ?? throw new InvalidOperationException(
                        $"ONNX node '{node.Name}' ({node.OpType}) of '{graphName}' reads '{input}', which is no graph input, constant, output of an earlier node, parameter or state tensor.");
                initializers.Add(initializer);
                available.Add(input);
            }
            foreach (string output in node.Outputs) available.Add(output);
        }
        return OnnxModelWriter.Write(graph, graphName, initializers, ProducerVersion);
    }

    /// <summary>The parameter or state tensor of <paramref name="network"/> named <paramref name="name"/>, with a copy of its current values; null if none.</summary>
    internal static OnnxInitializer? FindTensor(INetwork network, string name)
    {
        if (network.ParameterTable.TryGet(name, out var parameter))
            return new OnnxInitializer(name, parameter.Shape, network.Parameters.Slice(parameter.Offset, parameter.Count).ToArray());
        if (network.StateTable.TryGet(name, out var state))
            return new OnnxInitializer(name, state.Shape, network.State.Slice(state.Offset, state.Count).ToArray());
        return null;
    }

    // The runtime's version ("0.1.0"), written as the model's producer_version.
    private static string ProducerVersion { get; } = typeof(OnnxExport).Assembly.GetName().Version?.ToString(3) ?? "unknown";
}
