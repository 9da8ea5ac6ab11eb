namespace GraphGen.Generator.Tests;

/// <summary>
/// Inference pools as a convolution writes: Conv2d then (its BatchNorm folded, its activation fused)
/// a max pooling of its output becomes Conv2d.ForwardMaxPooled in the inference branch, on the CPU
/// and the GPU, while training and observed inference keep the two steps; an output read by
/// anything besides the pooling is not fused.
/// </summary>
public class PoolFusionTests
{
    private static string Net(string extra) => $$"""
        [Network] partial class Net
        {
            [Forward] Tensor Forward([Shape(2, 8, 8)] Tensor x)
            {
                var c = Relu(BatchNorm(Conv2d(x, 4, kernel: 3, name: "conv", padding: 1, bias: false), "bn"));
                var p = MaxPool2d(c, kernel: 2);
                return Dense({{extra}}, 3, "head");
            }

            [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
        }
        """;

    [Fact]
    public void InferencePoolsAsTheConvolutionWritesUnlessObserved()
    {
        var result = NamingTests.AssertCompiles(Net("Flatten(p)"));
        foreach (var file in new[] { "Net.g.cs", "Net.Gpu.g.cs" })
        {
            string code = result.Source(file);
            Assert.Matches(@"else if \(Observing\)\s*\{[^}]*Conv2d\.Forward\([^}]*Pool2d\.MaxForward\([^}]*\}\s*else\s*\{[^}]*BatchNorm\.FoldIntoConvolution\([^}]*Conv2d\.ForwardMaxPooled\(", code);
            Assert.Contains("at inference (unless observed) the max pooling is taken as the convolution writes each sample, so c_ is not stored", code);
        }
        string cpu = result.Source("Net.g.cs");
        Assert.Matches(@"Conv2d\.ForwardMaxPooled\(new global::GraphGen\.Kernels\.Conv2dShape\([^)]*\), new global::GraphGen\.Kernels\.Pool2dShape\(4, 8, 8, 2, 2, 2, 2, 0, 0\), batch, x, \w+, \w+, p, new global::GraphGen\.Kernels\.Relu\(\)\);", cpu);
        // Training's BatchNorm applies the ReLU as it normalises, so its output is never stored nor observed.
        Assert.Matches(@"BatchNorm\.ForwardTraining\([^;]*, c_, [^;]*, new global::GraphGen\.Kernels\.Relu\(\)\);", cpu);
        Assert.DoesNotMatch(@"Observe\(\d+, bn, batch\)", cpu);
    }

    [Fact]
    public void AnOutputReadBesidesThePoolingIsStoredAndPooledApart()
    {
        string code = NamingTests.AssertCompiles(Net("Concat(Flatten(p), GlobalAveragePool(c))")).Source("Net.g.cs");
        Assert.DoesNotContain("ForwardMaxPooled", code);
        Assert.DoesNotContain("Observing", code);
    }
}
