using System.Reflection;
using System.Text;
using GraphGen.Kernels;

namespace GraphGen.Generator.Tests;

/// <summary>
/// Random chains of convolutions that the plan runs on channel blocks (16, 32 or 48 channels, any
/// kernel, stride 1 or 2, padding 0–2, dilation, BatchNorm, activations, residual sums, a pooled
/// stem that must be converted, pooled or flattened heads), generated, compiled and run: unobserved
/// inference (the blocked branch, where the machine has AVX-512) has the bits of observed inference
/// (the planes), and both match the eager interpreter.
/// </summary>
public class RandomChannelBlockTests
{
    private const int Count = 12;
    private const int Batch = 3;

    private static readonly Lazy<Assembly> Compiled = new(() =>
    {
        var rng = new SeededRandom(20261205);
        var sources = new string[Count];
        for (int i = 0; i < Count; i++) sources[i] = "using GraphGen;\nusing static GraphGen.Nn;\nnamespace Blocked;\n" + Write(rng, "Net" + i);
        return GeneratorHarness.CompileAndLoad(sources, allowedWarnings: ["GG0018"]);
    });

    public static TheoryData<int> Indices() => [.. Enumerable.Range(0, Count)];

    [Theory]
    [MemberData(nameof(Indices))]
    public void UnobservedInferenceHasTheObservedBits(int index)
    {
        var type = Compiled.Value.GetType("Blocked.Net" + index)!;
        var net = (ITrainableNetwork<int>)Activator.CreateInstance(type, Batch, index)!;
        var x = GradientChecks.RandomInputs(Batch * net.InputSize, (ulong)index, -2, 3);
        var labels = GradientChecks.RandomLabels(Batch, 3, (ulong)index + 1);
        net.ComputeGradients(x, labels);   // running statistics away from their initial values
        var fused = new float[Batch * net.OutputSize];
        net.Forward(x, fused);
        var observed = new float[fused.Length];
        net.Forward(x, observed, new Observer());
        Assert.Equal(observed.Select(BitConverter.SingleToInt32Bits), fused.Select(BitConverter.SingleToInt32Bits));
        GradientChecks.AssertAllClose(GradientChecks.Reference(net, 3).Forward(x).Data, fused, 1e-4, "inference output");
    }

    [Fact]
    public void MostOfTheNetworksRunTheBlockedBranchHere()
    {
        int blocked = Enumerable.Range(0, Count).Count(i =>
            Compiled.Value.GetType("Blocked.Net" + i)!.GetField("ChannelBlocked", BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null) is true);
        // Without AVX-512 (or with GRAPHGEN_CHANNEL_BLOCKS=0) no network takes the branch, and the bit
        // comparison above is of the planes with themselves.
        bool runs = ChannelBlocks.Supported && Environment.GetEnvironmentVariable(ChannelBlocks.EnvironmentVariable) != "0";
        Assert.True(runs ? blocked >= Count / 2 : blocked == 0, $"{blocked} of {Count} networks run the blocked branch");
    }

    private sealed class Observer : IActivationObserver
    {
        public void Observe(TensorInfo tensor, ReadOnlySpan<float> values, int batch) { }
    }

    private static string Write(SeededRandom rng, string className)
    {
        var body = new StringBuilder();
        int next = 0;
        string Add(string expression)
        {
            string name = "t" + next++;
            body.Append("        var ").Append(name).Append(" = ").Append(expression).Append(";\n");
            return name;
        }
        int c = new[] { 1, 3, 16, 16 }[rng.NextInt(4)], h = 6 + rng.NextInt(7), w = 6 + rng.NextInt(7);
        string input = $"{c}, {h}, {w}", current = "x";
        if (rng.NextInt(2) == 0)
        {
            // A stem whose pooled output the chain reads: converted into channel blocks once.
            current = Add($"MaxPool2d(Relu(Conv2d(x, 16, kernel: 3, name: \"stem\", padding: 1)), kernel: 2)");
            (c, h, w) = (16, h / 2, w / 2);
        }
        int layers = 3 + rng.NextInt(3);
        for (int i = 0; i < layers; i++)
        {
            // Mostly 3×3 (a 1×1 layer, which the channels-last rule leaves to the GEMM, breaks a run in two).
            int outChannels = new[] { 16, 32, 48 }[rng.NextInt(3)], kernel = new[] { 3, 3, 3, 3, 1, 5 }[rng.NextInt(6)];
            int stride = 1 + rng.NextInt(2), dilation = rng.NextInt(3) == 0 ? 2 : 1, padding = rng.NextInt(3);
            int span = dilation * (kernel - 1) + 1;
            if (h + 2 * padding < span || w + 2 * padding < span) (kernel, dilation, span) = (1, 1, 1);
            int oh = (h + 2 * padding - span) / stride + 1, ow = (w + 2 * padding - span) / stride + 1;
            bool norm = rng.NextInt(3) == 0;
            string conv = $"Conv2d({current}, {outChannels}, kernel: {kernel}, name: \"conv{i}\", stride: {stride}, padding: {padding}, dilation: {dilation}{(norm ? ", bias: false" : "")})";
            if (norm) conv = $"BatchNorm({conv}, \"bn{i}\")";
            bool residual = outChannels == c && oh == h && ow == w && rng.NextInt(2) == 0;
            if (residual) conv = $"{current} + {conv}";
            conv = rng.NextInt(3) switch { 0 => $"Relu({conv})", 1 => $"Tanh({conv})", _ => conv };
            current = Add(conv);
            (c, h, w) = (outChannels, oh, ow);
        }
        string features = rng.NextInt(3) switch
        {
            0 => $"GlobalAveragePool({current})",
            1 => $"Flatten({current})",
            _ => $"Concat(GlobalAveragePool({current}), Flatten({current}))",
        };
        string output = Add($"Dense({features}, 3, \"head\")");
        return $$"""
            [Network] public partial class {{className}}
            {
                [Forward] Tensor Forward([Shape({{input}})] Tensor x)
                {
            {{body}}        return {{output}};
                }
                [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
            }

            """;
    }
}
