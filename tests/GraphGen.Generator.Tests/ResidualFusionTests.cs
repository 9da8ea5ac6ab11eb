namespace GraphGen.Generator.Tests;

/// <summary>
/// Inference adds a residual block's skip as its last convolution writes: Conv2d (its BatchNorm
/// folded, or none), then the sum with the block's input, then perhaps an activation, becomes
/// Conv2d.ForwardResidual in the inference branch, on the CPU and the GPU, while training and
/// observed inference keep the steps; a convolution output or sum read by anything else is not fused.
/// </summary>
public class ResidualFusionTests
{
    private static string Net(string block, string head = "GlobalAveragePool(h)") => $$"""
        [Network] partial class Net
        {
            [Forward] Tensor Forward([Shape(4, 6, 6)] Tensor x)
            {
                {{block}}
                return Dense({{head}}, 3, "head");
            }

            [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
        }
        """;

    private const string BatchNormBlock = """var f = BatchNorm(Conv2d(x, 4, kernel: 3, name: "conv", padding: 1, bias: false), "bn"); var h = Relu(x + f);""";

    [Fact]
    public void InferenceAddsTheSkipAsTheConvolutionWritesUnlessObserved()
    {
        var result = NamingTests.AssertCompiles(Net(BatchNormBlock));
        foreach (var file in new[] { "Net.g.cs", "Net.Gpu.g.cs" })
        {
            string code = result.Source(file);
            Assert.Matches(@"else if \(Observing\)\s*\{[^}]*Conv2d\.Forward\([^}]*Activations\.Forward\([^}]*\}\s*else\s*\{[^}]*BatchNorm\.FoldIntoConvolution\([^}]*Conv2d\.ForwardResidual\(", code);
            Assert.Matches(@"at inference \(unless observed\) x is added and Relu applied as the convolution writes each sample, so f and \w+ are not stored", code);
        }
        string cpu = result.Source("Net.g.cs");
        Assert.Matches(@"Conv2d\.ForwardResidual\(new global::GraphGen\.Kernels\.Conv2dShape\([^)]*\), batch, x, \w+, \w+, x, h, new global::GraphGen\.Kernels\.Relu\(\)\);", cpu);
        // Training still runs the three steps: its backward pass reads what they store.
        Assert.Matches(@"if \(training\)\s*\{[^}]*Conv2d\.Forward\([^}]*BatchNorm\.ForwardTraining\([^}]*Elementwise\.Add\(x, f, \w+\);[^}]*Activations\.Forward\(", cpu);
    }

    [Fact]
    public void AConvolutionWithoutBatchNormOrActivationTakesTheSkipAlone()
    {
        var result = NamingTests.AssertCompiles(Net("""var h = Conv2d(x, 4, kernel: 3, name: "conv", padding: 1) + x;"""));
        string cpu = result.Source("Net.g.cs");
        Assert.Matches(@"Conv2d\.ForwardResidual\(new global::GraphGen\.Kernels\.Conv2dShape\([^)]*\), batch, x, \w+, \w+, x, h\);", cpu);
        Assert.Contains("else if (Observing)", cpu);
        Assert.Contains("Conv2d.ForwardResidual(", result.Source("Net.Gpu.g.cs"));
    }

    [Fact]
    public void AConvolutionOutputReadBesidesTheSumIsStoredAndAddedApart()
    {
        string code = NamingTests.AssertCompiles(Net(BatchNormBlock, "Concat(GlobalAveragePool(h), GlobalAveragePool(f))")).Source("Net.g.cs");
        Assert.DoesNotContain("ForwardResidual", code);
        Assert.DoesNotContain("Observing", code);
    }

    [Fact]
    public void ASumReadBesidesTheActivationKeepsTheActivationApart()
    {
        string code = NamingTests.AssertCompiles(Net("""
            var f = Conv2d(x, 4, kernel: 3, name: "conv", padding: 1); var s = x + f; var h = Relu(s);
            """, "Concat(GlobalAveragePool(h), GlobalAveragePool(s))")).Source("Net.g.cs");
        // The sum is stored (the head reads it), so only the sum joins the convolution.
        Assert.Matches(@"Conv2d\.ForwardResidual\([^;]*, x, s\);", code);
        Assert.Matches(@"Activations\.Forward\(new global::GraphGen\.Kernels\.Relu\(\), s, h\);", code);
    }
}
