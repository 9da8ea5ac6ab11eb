using Microsoft.ML.OnnxRuntime;

namespace GraphGen.Onnx.Tests;

/// <summary>
/// The hand-written protobuf writer, checked by the reader that matters: ONNX Runtime loads
/// hand-built graphs and computes what each node must (every attribute type, both constant
/// types, an omitted optional input, the symbolic batch).
/// </summary>
public class OnnxModelWriterTests
{
    // y = relu(x·Wᵀ + b), W [2, 3] in PyTorch's [out, in] layout.
    private static readonly float[] Weight = [0.5f, -1f, 2f, 1.5f, 0.25f, -0.75f];
    private static readonly float[] Bias = [0.1f, -0.2f];

    private static byte[] GemmRelu()
    {
        var g = new OnnxGraphBuilder();
        g.Input("x", 3);
        g.Node("Gemm", ["x", "fc.weight", "fc.bias"], ["z"], OnnxAttribute.Of("transB", 1L));
        g.Node("Relu", "z", "y");
        g.Output("y", 2);
        return TestGraphs.ToBytes(g, new OnnxInitializer("fc.weight", [2, 3], Weight), new OnnxInitializer("fc.bias", [2], Bias));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Gemm_and_relu_with_initializers_compute_the_dense_layer_at_any_batch(int batch)
    {
        var x = new float[batch * 3];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 7 - 3) * 0.4f;

        var expected = new double[batch * 2];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < 2; o++)
            {
                double z = Bias[o];
                for (int k = 0; k < 3; k++) z += (double)x[n * 3 + k] * Weight[o * 3 + k];
                expected[n * 2 + o] = Math.Max(z, 0);
            }

        TestGraphs.AssertClose(expected, OnnxRuntimeRunner.Run(GemmRelu(), "x", x, batch, 3), 1e-6);
    }

    [Fact]
    public void Inputs_and_outputs_are_named_float32_with_a_symbolic_batch_dimension()
    {
        using var session = new InferenceSession(GemmRelu());

        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("x", input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal([-1, 3], input.Value.Dimensions);
        Assert.Equal("batch", input.Value.SymbolicDimensions[0]);

        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal("y", output.Key);
        Assert.Equal([-1, 2], output.Value.Dimensions);
        Assert.Equal("batch", output.Value.SymbolicDimensions[0]);
    }

    [Fact]
    public void The_model_names_its_producer_and_graph()
    {
        using var session = new InferenceSession(GemmRelu());
        Assert.Equal("GraphGen", session.ModelMetadata.ProducerName);
        Assert.Equal("TestGraph", session.ModelMetadata.GraphName);
    }

    [Fact]
    public void A_float_attribute_is_read_LeakyRelu_alpha()
    {
        var g = new OnnxGraphBuilder();
        g.Input("x", 2);
        g.Node("LeakyRelu", "x", "y", OnnxAttribute.Of("alpha", 0.25f));
        g.Output("y", 2);

        float[] y = OnnxRuntimeRunner.Run(TestGraphs.ToBytes(g), "x", [-2f, 3f], 1, 2);
        Assert.Equal([-0.5f, 3f], y);
    }

    [Fact]
    public void An_ints_attribute_is_read_Transpose_perm()
    {
        var g = new OnnxGraphBuilder();
        g.Input("x", 2, 3);
        g.Node("Transpose", "x", "y", OnnxAttribute.Of("perm", 0L, 2L, 1L));
        g.Output("y", 3, 2);

        float[] y = OnnxRuntimeRunner.Run(TestGraphs.ToBytes(g), "x", [1, 2, 3, 4, 5, 6], 1, 2, 3);
        Assert.Equal([1f, 4, 2, 5, 3, 6], y);
    }

    [Fact]
    public void A_string_attribute_is_read_Pad_mode()
    {
        var g = new OnnxGraphBuilder();
        g.Input("x", 3);
        // pads: [batch begin, feature begin, batch end, feature end]
        g.Int64s("pads", 0, 1, 0, 1);
        g.Node("Pad", ["x", "pads"], ["y"], OnnxAttribute.Of("mode", "reflect"));
        g.Output("y", 5);

        float[] y = OnnxRuntimeRunner.Run(TestGraphs.ToBytes(g), "x", [1, 2, 3], 1, 3);
        Assert.Equal([2f, 1, 2, 3, 2], y); // "constant" (the default) would give 0, 1, 2, 3, 0
    }

    [Fact]
    public void A_negative_int_attribute_is_read_Softmax_axis()
    {
        var g = new OnnxGraphBuilder();
        g.Input("x", 2, 2);
        g.Node("Softmax", "x", "y", OnnxAttribute.Of("axis", -1L));
        g.Output("y", 2, 2);

        float[] y = OnnxRuntimeRunner.Run(TestGraphs.ToBytes(g), "x", [0, 0, 0, MathF.Log(3)], 1, 2, 2);
        TestGraphs.AssertClose([0.5, 0.5, 0.25, 0.75], y, 1e-6); // axis 1 would mix the rows instead
    }

    [Fact]
    public void Int64_constants_hold_negative_values_and_float_constants_hold_scalars_and_vectors()
    {
        var g = new OnnxGraphBuilder();
        g.Input("x", 2, 3);
        g.Int64s("shape", -1, 6);
        g.Floats("half", [], 0.5f);
        g.Floats("offsets", [6], 1, 2, 3, 4, 5, 6);
        g.Node("Reshape", ["x", "shape"], ["flat"]);
        g.Node("Mul", ["flat", "half"], ["scaled"]);
        g.Node("Add", ["scaled", "offsets"], ["y"]);
        g.Output("y", 6);

        float[] y = OnnxRuntimeRunner.Run(TestGraphs.ToBytes(g), "x", [2, 4, 6, 8, 10, 12, 0, 0, 0, 0, 0, -2], 2, 2, 3);
        Assert.Equal([2f, 4, 6, 8, 10, 12, 1, 2, 3, 4, 5, 5], y);
    }

    [Fact]
    public void An_empty_input_name_omits_an_optional_input_Clip_without_min()
    {
        var g = new OnnxGraphBuilder();
        g.Input("x", 3);
        g.Floats("max", [], 1f);
        g.Node("Clip", ["x", "", "max"], ["y"]);
        g.Output("y", 3);

        float[] y = OnnxRuntimeRunner.Run(TestGraphs.ToBytes(g), "x", [-5, 0.5f, 3], 1, 3);
        Assert.Equal([-5f, 0.5f, 1], y);
    }

    [Fact]
    public void The_same_graph_gives_the_same_bytes() => Assert.Equal(GemmRelu(), GemmRelu());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_attribute_with_no_value_or_two_values_is_refused_naming_it(bool two)
    {
        var g = new OnnxGraphBuilder();
        g.Input("x", 2);
        g.Node("LeakyRelu", "x", "y", two ? new OnnxAttribute("alpha", Int: 1, Float: 0.5f) : new OnnxAttribute("alpha"));
        g.Output("y", 2);

        var e = Assert.Throws<InvalidOperationException>(() => TestGraphs.ToBytes(g));
        Assert.Contains("'alpha'", e.Message);
        Assert.Contains("LeakyRelu_0", e.Message);
    }
}
