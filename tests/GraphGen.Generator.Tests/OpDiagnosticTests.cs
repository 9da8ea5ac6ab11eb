using Microsoft.CodeAnalysis;
using static GraphGen.Generator.Tests.DiagnosticAssert;

namespace GraphGen.Generator.Tests;

/// <summary>Diagnostics of the CNN, attention, normalisation and sequence ops, on the exact span of the bad argument.</summary>
public class OpDiagnosticTests
{
    [Fact]
    public void GG0014_IgnoredLabelThatIsAClass()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 3, "fc");
                [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y, ignoreLabel: {|GG0014:2|});
            }
            """);
        Assert.Contains("ignoreLabel 2 is a class index (0..2); mark padding with a label outside the classes, such as -1", d[0].GetMessage());
    }

    [Fact]
    public void GG0009_LossTermsThatIgnoreDifferentLabels()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 3, "fc");
                [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y, ignoreLabel: -1) + {|GG0009:SoftmaxCrossEntropy(z, y)|};
            }
            """);
        Assert.Contains("an earlier term ignores label -1, this one ignores no label", d[0].GetMessage());
    }

    [Fact]
    public void GG0001_KernelLargerThanPaddedInput()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(1, 4, 4)] Tensor x) => Flatten(Conv2d(x, 2, kernel: {|GG0001:7|}, "conv", padding: 1));
            }
            """);
        Assert.Contains("the kernel spans 7×7 pixels (kernel 7, dilation 1) but the input is 4×4 with padding 1", d[0].GetMessage());
    }

    [Fact]
    public void GG0001_HeadsDoNotDivideTheWidth()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4, 30)] Tensor x) => MergeHeads(SplitHeads(x, heads: {|GG0001:4|}));
            }
            """);
        Assert.Contains("4 heads do not divide the model width 30", d[0].GetMessage());
    }

    [Fact]
    public void GG0001_GroupsDoNotDivideChannels()
    {
        AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(3, 8, 8)] Tensor x) => Flatten(Conv2d(x, 4, kernel: 3, "conv", groups: {|GG0001:2|}));
            }
            """);
    }

    [Fact]
    public void GG0001_ConvolutionOfAFlatInput()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(64)] Tensor x) => Flatten(Conv2d({|GG0001:x|}, 4, kernel: 3, "conv"));
            }
            """);
        Assert.Contains("Reshape(x, 1, 28, 28)", d[0].GetMessage());
    }

    [Fact]
    public void GG0001_CausalSoftmaxOfNonSquareScores()
    {
        AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4, 5)] Tensor x) => Softmax({|GG0001:x|}, causal: true);
            }
            """);
    }

    [Fact]
    public void GG0014_DropoutProbabilityOutOfRange()
    {
        AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dropout(x, {|GG0014:1.5f|});
            }
            """);
    }

    [Fact]
    public void GG0002_ReadingAnUnassignedArrayElement()
    {
        AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(3, 2)] Tensor x)
                {
                    var steps = new Tensor[3];
                    steps[0] = Dense(x, 2, "a");
                    return Stack(steps[0], {|GG0002:steps[1]|});
                }
            }
            """);
    }

    [Fact]
    public void GG0012_RecordNetwork()
    {
        var d = AssertDiagnostics("""
            [Network] partial record {|GG0012:Net|}
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 1, "out");
            }
            """);
        Assert.Contains("a network is declared as a 'partial class'", d[0].GetMessage());
    }

    [Fact]
    public void GG0002_ForwardWithoutReturn()
    {
        AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] void {|GG0002:Forward|}([Shape(4)] Tensor x) { }
            }
            """);
    }
}
