namespace GraphGen.Generator.Tests;

/// <summary>
/// The backward pass's copies of a gradient (a sum hands its gradient to each operand unchanged)
/// become a second name for the same floats where that cannot change a value: a residual block's
/// skip, a chain of skips; not where a later contribution to the copy is added while the source is
/// still read (h + h), and never for a gradient the caller reads.
/// </summary>
public class CopyElisionTests
{
    private static string Net(string body, string extra = "") => $$"""
        [Network{{extra}}] partial class Net
        {
            [Forward] Tensor Forward([Shape(8)] Tensor x)
            {
                var h = Tanh(Dense(x, 8, "a"));
                {{body}}
                return Dense(y, 3, "head");
            }

            [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor t) => SoftmaxCrossEntropy(z, t);
        }
        """;

    [Fact]
    public void ASkipsGradientIsTheSumsGradientUnderAnotherName()
    {
        var result = NamingTests.AssertCompiles(Net("var y = h + Relu(Dense(h, 8, \"b\"));"));
        foreach (var file in new[] { "Net.g.cs", "Net.Gpu.g.cs" })
        {
            string code = result.Source(file);
            Assert.Contains("var dh = dy;   // the same floats: the gradient is passed on unchanged, so it is not copied", code);
            Assert.DoesNotContain("Add backward: dh = dy", code);
        }
        Assert.Matches(@"dh\s+dLoss/dh: the floats of dy", result.Source("Net.g.cs"));
        // The branch's contribution is then added onto it.
        Assert.Matches(@"Gemm\.Multiply\(db, bWeight, dh, batch, 8, 8, accumulate: true\);", result.Source("Net.g.cs"));
    }

    [Fact]
    public void ASumOfATensorWithItselfStillCopies()
    {
        // dh = dy, then dh += dy: were dh the floats of dy, the second step would read what the first changed.
        string code = NamingTests.AssertCompiles(Net("var y = h + h;")).Source("Net.g.cs");
        Assert.DoesNotContain("the floats of", code);
        Assert.Contains("Add backward: dh = dy", code);
    }

    [Fact]
    public void TheInputGradientIsNeverAnotherName()
    {
        var source = """
            [Network(InputGradient = true)] partial class Net
            {
                [Forward] Tensor Forward([Shape(8)] Tensor x)
                {
                    var y = x + Tanh(Dense(x, 8, "a"));
                    return Dense(y, 3, "head");
                }

                [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor t) => SoftmaxCrossEntropy(z, t);
            }
            """;
        string code = NamingTests.AssertCompiles(source).Source("Net.g.cs");
        Assert.DoesNotMatch(@"var dX = ", code);
    }
}
