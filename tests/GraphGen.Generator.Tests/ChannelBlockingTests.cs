using System.Reflection;
using GraphGen.Kernels;

namespace GraphGen.Generator.Tests;

/// <summary>
/// The channel-blocked inference branch: where the plan keeps tensors in channel blocks (between
/// channels-last convolutions, converted once after another writer, pooled in place), where it does
/// not (Winograd's 64-channel layers, a tensor something else reads, an output), that the GPU passes
/// never take it, and, on random chains of convolutions run here, that it gives the planes' bits.
/// </summary>
public class ChannelBlockingTests
{
    private static string Net(string body, string input = "1, 12, 12", string head = "GlobalAveragePool(h)") => $$"""
        [Network] partial class Net
        {
            [Forward] Tensor Forward([Shape({{input}})] Tensor x)
            {
                {{body}}
                return Dense({{head}}, 3, "head");
            }

            [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
        }
        """;

    private const string Chain = """
        var s = Relu(Conv2d(x, 16, kernel: 3, name: "stem", padding: 1));
        var f = Relu(Conv2d(s, 16, kernel: 3, name: "a", padding: 1));
        var h = Relu(Conv2d(f, 32, kernel: 3, name: "b", stride: 2, padding: 1));
        """;

    [Fact]
    public void AChainOfChannelsLastConvolutionsRunsOnChannelBlocksAtInference()
    {
        var result = NamingTests.AssertCompiles(Net(Chain));
        string cpu = result.Source("Net.g.cs");
        // The stem (one input channel) writes planes; they are converted once, then the chain runs blocked to the pooling.
        Assert.Matches(@"private static readonly bool ChannelBlocked =\s*global::GraphGen\.Kernels\.ChannelBlocks\.Takes\(new global::GraphGen\.Kernels\.Conv2dShape\(16, 12, 12, 16,[^;]*&&\s*global::GraphGen\.Kernels\.ChannelBlocks\.Takes\(new global::GraphGen\.Kernels\.Conv2dShape\(16, 12, 12, 32,[^;]*;", cpu);
        Assert.Matches(@"if \(ChannelBlocked && !training && !Observing\)\s*\{\s*global::GraphGen\.Kernels\.Conv2d\.Forward\([^;]*, s, new global::GraphGen\.Kernels\.Relu\(\)\);\s*global::GraphGen\.Kernels\.ChannelBlocks\.FromPlanes\(batch, 16, 12, 12, 1, s, sBlocked\);", cpu);
        Assert.Matches(@"Conv2d\.ForwardBlocked\([^;]*, batch, sBlocked, 1, \w+, \w+, fBlocked, 1, new global::GraphGen\.Kernels\.Relu\(\)\);", cpu);
        Assert.Matches(@"Conv2d\.ForwardBlocked\([^;]*, batch, fBlocked, 1, \w+, \w+, hBlocked, 1, new global::GraphGen\.Kernels\.Relu\(\)\);", cpu);
        Assert.Matches(@"Pool2d\.GlobalAverageForwardBlocked\(batch, 32, 6, 6, 1, hBlocked, \w+\);", cpu);
        Assert.Contains("inference reads sBlocked and writes fBlocked in channel blocks [C/16, H + 2, W + 2, 16] with a ring of zeros", cpu);
        // The memory plan lists the twins; the GPU passes never run them.
        Assert.Matches(@"fBlocked\s+Relu output in channel blocks \(inference\)", cpu);
        string gpu = result.Source("Net.Gpu.g.cs");
        Assert.DoesNotContain("Blocked", gpu);
    }

    [Fact]
    public void APooledStemWritesChannelBlocksItself()
    {
        string cpu = NamingTests.AssertCompiles(Net(Chain.Replace("var s = Relu(Conv2d(x, 16, kernel: 3, name: \"stem\", padding: 1));",
            "var s = MaxPool2d(Relu(Conv2d(x, 16, kernel: 3, name: \"stem\", padding: 1)), kernel: 2);", StringComparison.Ordinal))).Source("Net.g.cs");
        // Nothing reads the pooled planes in the blocked branch: the pooling writes blocks, no conversion.
        Assert.Matches(@"else if \(ChannelBlocked\)\s*\{[^}]*Conv2d\.ForwardMaxPooledBlocked\([^;]*, batch, x, \w+, \w+, sBlocked, 1, new global::GraphGen\.Kernels\.Relu\(\)\);\s*\}", cpu);
        Assert.DoesNotContain("FromPlanes", cpu);
    }

    [Fact]
    public void WinogradsLayersKeepThePlanes()
    {
        string cpu = NamingTests.AssertCompiles(Net("""
            var f = Relu(Conv2d(x, 64, kernel: 3, name: "a", padding: 1));
            var h = Relu(Conv2d(f, 64, kernel: 3, name: "b", padding: 1));
            """, input: "64, 8, 8")).Source("Net.g.cs");
        Assert.DoesNotContain("ChannelBlocked", cpu);
    }

    [Fact]
    public void ATensorSomethingElseReadsKeepsThePlanes()
    {
        // f is flattened into the head as well as convolved: a writes it in planes, which are
        // converted for b, and so the stem's output, which only a reads, stays in planes too.
        string cpu = NamingTests.AssertCompiles(Net(Chain.Replace("var h =", "var g = Flatten(f); var h =", StringComparison.Ordinal),
            head: "Concat(GlobalAveragePool(h), g)")).Source("Net.g.cs");
        Assert.Matches(@"Conv2d\.Forward\([^;]*, s, \w+, \w+, f, new global::GraphGen\.Kernels\.Relu\(\)\);\s*global::GraphGen\.Kernels\.ChannelBlocks\.FromPlanes\(batch, 16, 12, 12, 1, f, fBlocked\);", cpu);
        Assert.Matches(@"Conv2d\.ForwardBlocked\([^;]*, batch, fBlocked, 1, \w+, \w+, hBlocked, 1, ", cpu);
        Assert.DoesNotContain("sBlocked", cpu);
    }

    [Fact]
    public void TheInputIsConvertedAndAnOutputWrittenInPlanes()
    {
        var source = """
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(16, 6, 6)] Tensor x)
                {
                    var f = Relu(Conv2d(x, 16, kernel: 3, name: "a", padding: 1));
                    return Relu(Conv2d(f, 16, kernel: 3, name: "b", padding: 1));
                }
            }
            """;
        string cpu = NamingTests.AssertCompiles(source).Source("Net.g.cs");
        // b's output is what the caller reads: b reads channel blocks and writes planes.
        Assert.Matches(@"ChannelBlocks\.FromPlanes\(batch, 16, 6, 6, 1, x, xBlocked\);\s*global::GraphGen\.Kernels\.Conv2d\.ForwardBlocked\([^;]*, batch, xBlocked, 1, \w+, \w+, fBlocked, 1, ", cpu);
        Assert.Matches(@"Conv2d\.ForwardFromBlocks\([^;]*, batch, fBlocked, 1, \w+, \w+, \w+, new global::GraphGen\.Kernels\.Relu\(\)\);", cpu);
    }
}
