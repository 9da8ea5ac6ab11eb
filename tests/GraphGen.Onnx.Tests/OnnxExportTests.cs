using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace GraphGen.Onnx.Tests;

/// <summary>
/// OnnxExport on a hand-written network: parameters and state become initializers with their
/// current values, unused ones are left out, names nothing makes are refused, and Save writes
/// the same bytes atomically.
/// </summary>
public class OnnxExportTests
{
    private static readonly float[] Inputs = [0.5f, -1f, 2f, -0.25f, 1.5f, 0f, 3f, -2f, 0.75f, 1f, 1f, -1f];

    private static double[] ForwardOf(INetwork network, float[] x)
    {
        var y = new float[x.Length / network.InputSize * network.OutputSize];
        network.Forward(x, y);
        return Array.ConvertAll(y, v => (double)v);
    }

    [Fact]
    public void Parameters_and_state_are_written_with_their_current_values()
    {
        var network = new DenseBatchNormNetwork();
        // Values changed after construction (as training does) must be the ones exported.
        network.Parameters[0] = 4f;
        network.State[network.StateTable["bn.running_var"].Offset + 1] = 2.5f;

        float[] y = OnnxRuntimeRunner.Run(OnnxExport.ToBytes(network), "x", Inputs, 4, DenseBatchNormNetwork.In);

        TestGraphs.AssertClose(ForwardOf(network, Inputs), y, 1e-5);
    }

    [Fact]
    public void Parameters_the_graph_does_not_read_are_not_written()
    {
        byte[] model = OnnxExport.ToBytes(new DenseBatchNormNetwork());
        // Tensor names are stored as plain UTF-8 strings in the protobuf.
        string text = Encoding.UTF8.GetString(model);
        Assert.Contains("bn.running_var", text);
        Assert.DoesNotContain("unused.weight", text);
    }

    [Fact]
    public void A_name_that_nothing_makes_is_refused_naming_it_and_the_node()
    {
        var network = new DenseBatchNormNetwork(onnx =>
        {
            onnx.Input("x", 3);
            onnx.Node("Gemm", ["x", "fc.weight", "fc.bais"], ["y"], OnnxAttribute.Of("transB", 1L));
            onnx.Output("y", 2);
        });

        var e = Assert.Throws<InvalidOperationException>(() => OnnxExport.ToBytes(network));
        Assert.Contains("'fc.bais'", e.Message);
        Assert.Contains("'Gemm_0'", e.Message);
        Assert.Contains("DenseBatchNorm", e.Message);
    }

    [Fact]
    public void A_name_made_only_by_a_later_node_is_refused()
    {
        var network = new DenseBatchNormNetwork(onnx =>
        {
            onnx.Input("x", 3);
            onnx.Node("Relu", "later", "y");
            onnx.Node("Relu", "x", "later");
            onnx.Output("y", 3);
        });

        var e = Assert.Throws<InvalidOperationException>(() => OnnxExport.ToBytes(network));
        Assert.Contains("'later'", e.Message);
        Assert.Contains("'Relu_0'", e.Message);
    }

    [Fact]
    public void A_graph_without_inputs_or_outputs_is_refused()
    {
        var noOutput = new DenseBatchNormNetwork(onnx => onnx.Input("x", 3));
        Assert.Contains("no output", Assert.Throws<InvalidOperationException>(() => OnnxExport.ToBytes(noOutput)).Message);

        var noInput = new DenseBatchNormNetwork(onnx =>
        {
            onnx.Floats("c", [1], 1f);
            onnx.Node("Identity", "c", "y");
            onnx.Output("y", 1);
        });
        Assert.Contains("no input", Assert.Throws<InvalidOperationException>(() => OnnxExport.ToBytes(noInput)).Message);
    }

    [Fact]
    public void A_network_without_BuildOnnx_is_refused_with_what_to_do()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(new NotExportableNetwork()));
        Assert.Contains("OldNet", e.Message);
        Assert.Contains(nameof(IOnnxExportable), e.Message);
        Assert.Contains("rebuild", e.Message);
    }

    [Fact]
    public void Save_writes_the_bytes_of_ToBytes_and_leaves_no_temporary_file()
    {
        var network = new DenseBatchNormNetwork();
        string directory = Directory.CreateTempSubdirectory("graphgen-onnx-").FullName;
        try
        {
            string path = Path.Combine(directory, "net.onnx");
            File.WriteAllText(path, "an older file, replaced");
            OnnxExport.Save(network, path);

            Assert.Equal(OnnxExport.ToBytes(network), File.ReadAllBytes(path));
            Assert.Equal([path], Directory.GetFiles(directory));
            using var session = new InferenceSession(path);
            Assert.Equal("DenseBatchNorm", session.ModelMetadata.GraphName);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Save_into_a_missing_directory_is_an_IOException_naming_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), "graphgen-no-such-directory-" + Guid.NewGuid().ToString("N"), "net.onnx");
        var e = Assert.ThrowsAny<IOException>(() => OnnxExport.Save(new DenseBatchNormNetwork(), path));
        Assert.Contains("graphgen-no-such-directory-", e.Message);
    }
}
