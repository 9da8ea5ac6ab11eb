namespace GraphGen.Generator.Tests;

/// <summary>
/// Attention's scale folds into the causal softmax: scores·c read only by the softmax become its
/// <c>scale</c> argument (forward), and c·(the softmax's gradient) its backward's, on the CPU and
/// the GPU; scores read by anything else stay a map of their own.
/// </summary>
public class AttentionScaleFusionTests
{
    private static string Attention(string use) => $$"""
        [Network] partial class Net
        {
            [Forward] Tensor Forward([Shape(6, 8)] Tensor x)
            {
                var q = SplitHeads(Dense(x, 8, "q"), 2);
                var k = SplitHeads(Dense(x, 8, "k"), 2);
                var scores = MatMul(q, k, transposeB: true) * 0.5f;
                return Dense(MergeHeads(MatMul({{use}}, q)), 3, "out");
            }

            [Loss] Tensor Loss(Tensor z, [Shape(6, 3)] Tensor y) => MeanSquaredError(z, y);
        }
        """;

    [Fact]
    public void TheScaleIsAnArgumentOfBothSoftmaxPasses()
    {
        var result = NamingTests.AssertCompiles(Attention("Softmax(scores, causal: true)"));
        foreach (var file in new[] { "Net.g.cs", "Net.Gpu.g.cs" })
        {
            string code = result.Source(file);
            Assert.Matches(@"CausalSoftmax\.Forward\((Device, )?batch \* 2, 6, matMul\w*, \w+, scale: 0\.5f\);", code);
            Assert.Matches(@"CausalSoftmax\.Backward\([^;]*accumulate: false, scale: 0\.5f\);", code);
            Assert.Contains("fused: the scale is applied as each score is read", code);
            Assert.Contains("fused: the scale is applied as each gradient is written", code);
        }
        Assert.DoesNotContain("Elementwise.Scale", result.Source("Net.g.cs"));
    }

    [Fact]
    public void ScoresReadTwiceStayAMap()
    {
        string code = NamingTests.AssertCompiles(Attention("Softmax(scores, causal: true) + scores")).Source("Net.g.cs");
        Assert.DoesNotContain("scale:", code);
        Assert.Contains("Elementwise.Scale(matMul", code);
    }
}
