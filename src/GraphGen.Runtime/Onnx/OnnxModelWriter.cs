namespace GraphGen.Onnx;

/// <summary>A float32 tensor written as a graph initializer: a parameter or state tensor of the network.</summary>
internal sealed record OnnxInitializer(string Name, int[] Shape, float[] Values);

/// <summary>
/// Serialises a built graph as an ONNX ModelProto. Field numbers are those of onnx/onnx.proto
/// (IR version 8); tensors carry their values as little-endian raw_data, every graph input and
/// output is float32 of shape [batch, ...] with "batch" a symbolic dimension.
/// </summary>
internal static class OnnxModelWriter
{
    /// <summary>ONNX IR version 8 (ONNX 1.10+): opset 17 needs at least 8.</summary>
    public const long IrVersion = 8;

    /// <summary>The model's producer_name.</summary>
    public const string ProducerName = "GraphGen";

    // ModelProto
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelGraph = 7, ModelOpsetImport = 8;
    // OperatorSetIdProto
    private const int OpsetDomain = 1, OpsetVersion = 2;
    // GraphProto
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    // NodeProto
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5;
    // AttributeProto, and its AttributeType values
    private const int AttributeName = 1, AttributeF = 2, AttributeI = 3, AttributeS = 4, AttributeInts = 8, AttributeType = 20;
    private const int FloatAttribute = 1, IntAttribute = 2, StringAttribute = 3, IntsAttribute = 7;
    // TensorProto, and its DataType values
    private const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9;
    private const int FloatType = 1, Int64Type = 7;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private const int ValueInfoName = 1, ValueInfoType = 2;
    private const int TypeTensor = 1;
    private const int TensorTypeElemType = 1, TensorTypeShape = 2;
    private const int ShapeDim = 1;
    private const int DimValue = 1, DimParam = 2;

    /// <summary>The model's bytes: <paramref name="graph"/> named <paramref name="graphName"/>, its constants and <paramref name="initializers"/>.</summary>
    public static byte[] Write(OnnxGraphBuilder graph, string graphName, IReadOnlyList<OnnxInitializer> initializers, string producerVersion)
    {
        var model = new ProtobufWriter();
        model.Int64(ModelIrVersion, IrVersion);
        model.String(ModelProducerName, ProducerName);
        model.String(ModelProducerVersion, producerVersion);
        model.Message(ModelGraph, g => WriteGraph(g, graph, graphName, initializers));
        model.Message(ModelOpsetImport, opset =>
        {
            opset.String(OpsetDomain, "");
            opset.Int64(OpsetVersion, OnnxGraphBuilder.OpsetVersion);
        });
        return model.WrittenSpan.ToArray();
    }

    private static void WriteGraph(ProtobufWriter g, OnnxGraphBuilder graph, string graphName, IReadOnlyList<OnnxInitializer> initializers)
    {
        foreach (var node in graph.Nodes) g.Message(GraphNode, n => WriteNode(n, node));
        g.String(GraphName, graphName);
        foreach (var constant in graph.Constants) g.Message(GraphInitializer, t => WriteConstant(t, constant));
        foreach (var initializer in initializers)
            g.Message(GraphInitializer, t =>
            {
                WriteTensorHeader(t, initializer.Name, Array.ConvertAll(initializer.Shape, d => (long)d), FloatType);
                t.LittleEndianFloats(TensorRawData, initializer.Values);
            });
        foreach (var input in graph.Inputs) g.Message(GraphInput, v => WriteBatchedFloatValue(v, input));
        foreach (var output in graph.Outputs) g.Message(GraphOutput, v => WriteBatchedFloatValue(v, output));
    }

    private static void WriteNode(ProtobufWriter n, OnnxNode node)
    {
        foreach (string input in node.Inputs) n.String(NodeInput, input);
        foreach (string output in node.Outputs) n.String(NodeOutput, output);
        n.String(NodeName, node.Name);
        n.String(NodeOpType, node.OpType);
        foreach (var attribute in node.Attributes) n.Message(NodeAttribute, a => WriteAttribute(a, node, attribute));
    }

    // The type field must name the one value field that is set (IR version 2 and later).
    private static void WriteAttribute(ProtobufWriter a, OnnxNode node, OnnxAttribute attribute)
    {
        a.String(AttributeName, attribute.Name);
        int set = (attribute.Int is null ? 0 : 1) + (attribute.Float is null ? 0 : 1) + (attribute.Ints is null ? 0 : 1) + (attribute.Text is null ? 0 : 1);
        if (set != 1)
            throw new InvalidOperationException($"ONNX node '{node.Name}' ({node.OpType}): attribute '{attribute.Name}' must hold exactly one of an int, a float, ints or a string, but holds {set}.");
        if (attribute.Int is long i)
        {
            a.Int64(AttributeType, IntAttribute);
            a.Int64(AttributeI, i);
        }
        else if (attribute.Float is float f)
        {
            a.Int64(AttributeType, FloatAttribute);
            a.Float(AttributeF, f);
        }
        else if (attribute.Ints is long[] ints)
        {
            a.Int64(AttributeType, IntsAttribute);
            a.Int64s(AttributeInts, ints);
        }
        else
        {
            a.Int64(AttributeType, StringAttribute);
            a.String(AttributeS, attribute.Text!);
        }
    }

    private static void WriteConstant(ProtobufWriter t, OnnxConstant constant)
    {
        if (constant.Floats is float[] floats)
        {
            WriteTensorHeader(t, constant.Name, constant.Dims, FloatType);
            t.LittleEndianFloats(TensorRawData, floats);
        }
        else
        {
            WriteTensorHeader(t, constant.Name, constant.Dims, Int64Type);
            t.LittleEndianInt64s(TensorRawData, constant.Int64s ?? []);
        }
    }

    private static void WriteTensorHeader(ProtobufWriter t, string name, long[] dims, int dataType)
    {
        t.Int64s(TensorDims, dims);
        t.Int64(TensorDataType, dataType);
        t.String(TensorName, name);
    }

    // float32 of shape [batch, shape...]: the batch is a symbolic dimension, so one file serves any batch size.
    private static void WriteBatchedFloatValue(ProtobufWriter v, OnnxValue value)
    {
        v.String(ValueInfoName, value.Name);
        v.Message(ValueInfoType, type => type.Message(TypeTensor, tensor =>
        {
            tensor.Int64(TensorTypeElemType, FloatType);
            tensor.Message(TensorTypeShape, shape =>
            {
                shape.Message(ShapeDim, dim => dim.String(DimParam, OnnxGraphBuilder.BatchDimension));
                foreach (int d in value.Shape) shape.Message(ShapeDim, dim => dim.Int64(DimValue, d));
            });
        }));
    }
}
