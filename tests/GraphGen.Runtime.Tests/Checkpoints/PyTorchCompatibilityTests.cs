using System.Text.Json;

namespace GraphGen.Runtime.Tests.Checkpoints;

/// <summary>
/// Files written from a PyTorch nn.Sequential(Linear(4, 3), ReLU(), Linear(3, 2)) state_dict
/// by Fixtures/make_fixtures.py, and the file GraphGen writes for the same weights, which
/// that script loaded into PyTorch (see its docstring).
/// </summary>
public class PyTorchCompatibilityTests
{
    private static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllBytes(Fixtures.File("torch_mlp_expected.json"))).RootElement;

    private static float[] Floats(JsonElement values) => values.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static float[] ExpectedValues(string suffix, string name) => Floats(Expected.GetProperty("tensors").GetProperty(suffix).GetProperty(name).GetProperty("values"));

    private static TinyMlp LoadFixture(string suffix)
    {
        var network = TinyMlp.Seeded(41);
        var result = Checkpoint.Load(Fixtures.File($"torch_mlp_{suffix}.safetensors"), network);
        Assert.True(result.IsExactMatch);
        return network;
    }

    private static float[] Slice(TinyMlp network, string name) => network.ParameterTable.Slice(network.Parameters, name).ToArray();

    [Theory]
    [InlineData("f32", SafetensorsDType.F32)]
    [InlineData("f16", SafetensorsDType.F16)]
    [InlineData("bf16", SafetensorsDType.BF16)]
    [InlineData("f64", SafetensorsDType.F64)]
    public void EveryDTypeLoadsWithPyTorchsValues(string suffix, SafetensorsDType dtype)
    {
        using (var file = SafetensorsFile.Open(Fixtures.File($"torch_mlp_{suffix}.safetensors")))
        {
            Assert.All(file.Tensors, t => Assert.Equal(dtype, t.DType));
            Assert.Equal("pt", file.Metadata["format"]);
        }

        var network = LoadFixture(suffix);
        foreach (var p in network.ParameterTable.Parameters)
        {
            var shape = Expected.GetProperty("tensors").GetProperty(suffix).GetProperty(p.Name).GetProperty("shape").EnumerateArray().Select(d => d.GetInt32());
            Assert.Equal(shape, p.Shape);
            Assert.Equal(ExpectedValues(suffix, p.Name), Slice(network, p.Name));
        }
    }

    [Fact]
    public void HalfPrecisionFilesHoldTheRoundedSingleValues()
    {
        // An independent check of the conversions: PyTorch rounds to nearest even in both.
        var single = LoadFixture("f32");
        var half = LoadFixture("f16");
        var brain = LoadFixture("bf16");
        var single64 = LoadFixture("f64");
        float[] s = single.Parameters.ToArray(), h = half.Parameters.ToArray(), b = brain.Parameters.ToArray();
        for (int i = 0; i < s.Length; i++)
        {
            Assert.Equal((float)(Half)s[i], h[i]);
            int bits = BitConverter.SingleToInt32Bits(s[i]);
            int rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & unchecked((int)0xFFFF0000);
            Assert.Equal(BitConverter.Int32BitsToSingle(rounded), b[i]);
        }
        Assert.NotEqual(s, h);
        Assert.NotEqual(s, b);
        Assert.Equal(s, single64.Parameters.ToArray());
    }

    [Fact]
    public void ForwardPassMatchesPyTorch()
    {
        var network = LoadFixture("f32");
        float[] input = Floats(Expected.GetProperty("input").GetProperty("values"));
        float[] expected = Floats(Expected.GetProperty("output").GetProperty("values"));
        var output = new float[expected.Length];

        network.Forward(input, output);

        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], output[i], 1e-6f);
    }

    [Fact]
    public void WriterReproducesTheReferenceBytes()
    {
        // Same tensors and metadata as the F32 fixture: the reference writer's layout exactly.
        string fixture = Fixtures.File("torch_mlp_f32.safetensors");
        using var dir = new TempDirectory();
        string path = dir.File("again.safetensors");
        var tensors = Checkpoint.ReadTensors(fixture).Select(t => new SafetensorsTensor(t.Key, t.Value.Shape, t.Value.Values));
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });

        Assert.Equal(File.ReadAllBytes(fixture), File.ReadAllBytes(path));
    }

    [Fact]
    public void SaveWritesTheCommittedGraphGenFile()
    {
        // make_fixtures.py --check loaded this file into PyTorch; pinning its bytes keeps that check valid.
        string committed = Fixtures.File("graphgen_mlp.safetensors");
        using var dir = new TempDirectory();
        string path = dir.File("graphgen_mlp.safetensors");
        Checkpoint.Save(path, LoadFixture("f32"), metadata: new Dictionary<string, string> { ["source"] = "torch_mlp_f32.safetensors" });
        byte[] written = File.ReadAllBytes(path);

        if (File.Exists(committed) && File.ReadAllBytes(committed).AsSpan().SequenceEqual(written)) return;
        if (Environment.GetEnvironmentVariable("GRAPHGEN_ACCEPT") == "1")
        {
            File.WriteAllBytes(committed, written);
            return;
        }
        string received = Fixtures.File("graphgen_mlp.received.safetensors");
        File.WriteAllBytes(received, written);
        Assert.Fail($"Checkpoint.Save did not write the bytes of {committed}; the new bytes are in {received}. If the change is intended, rerun with GRAPHGEN_ACCEPT=1 and check the new file with make_fixtures.py --check.");
    }
}
