using static GraphGen.Generator.Tests.DiagnosticAssert;

namespace GraphGen.Generator.Tests;

/// <summary>
/// Sizes that would overflow an int, or exceed the largest buffer the runtime allocates, are
/// GG0016 on the code that asks for them, with the limit in the message; never a wrapped size.
/// </summary>
public class LimitDiagnosticTests
{
    private const string Limit = "2,147,483,576 floats";

    [Fact]
    public void LimitIsTheRuntimesLargestBuffer() =>
        Assert.Equal(Graphs.NetworkLimits.MaxFloats, AlignedBuffer.MaxLength);

    [Fact]
    public void GG0016_InputLargerThanABuffer()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward({|GG0016:[Shape(65536, 65536)] Tensor x|}) => Relu(x);
            }
            """);
        Assert.Equal($"Input 'x' has shape [65536, 65536] = 4,294,967,296 floats per sample, more than {Limit} (the largest .NET array, less alignment slack)", d[0].GetMessage());
    }

    [Fact]
    public void GG0016_WeightLargerThanABuffer()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(1 << 30)] Tensor x) => {|GG0016:Dense(x, 4, "out")|};
            }
            """);
        Assert.StartsWith("Dense \"out\" would have 4,294,967,296 floats in out.weight [4, 1073741824], more than one buffer holds: " + Limit, d[0].GetMessage());
    }

    [Fact]
    public void GG0016_DenseOfIntMaxValueUnits()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => {|GG0016:Dense(x, int.MaxValue, "big")|};
            }
            """);
        Assert.Contains("8,589,934,588 floats in big.weight [2147483647, 4]", d[0].GetMessage());
    }

    [Fact]
    public void GG0016_ParametersTogetherLargerThanABuffer()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(32768)] Tensor x)
                {
                    var a = Dense(x, 32768, "a", bias: false);
                    return {|GG0016:Dense(a, 32768, "b", bias: false)|};
                }
            }
            """);
        Assert.StartsWith("Dense \"b\" would bring the network to 2,147,483,648 parameters, more than the parameter buffer holds: " + Limit, d[0].GetMessage());
    }

    [Fact]
    public void GG0016_TensorLargerThanABuffer()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(1 << 30)] Tensor x) => {|GG0016:Concat(x, x)|};
            }
            """);
        Assert.StartsWith("This Concat would make a tensor of [2147483648] = 2,147,483,648 floats per sample, more than " + Limit, d[0].GetMessage());
    }

    [Fact]
    public void GG0016_ArenaWiderThanABuffer()
    {
        // Each activation fits, but a and b are alive together.
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor {|GG0016:Forward|}([Shape(1 << 30)] Tensor x)
                {
                    var a = Softmax(x);
                    var b = Softmax(a);
                    return Sum(a) + Sum(b);
                }
            }
            """);
        Assert.StartsWith("The activations and gradients that are alive at the same time during a training step need more than " + Limit, d[0].GetMessage());
    }

    [Fact]
    public void GG0016_TargetLargerThanABuffer()
    {
        AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, "out");
                [Loss] Tensor Loss(Tensor z, {|GG0016:[Shape(65536, 65536)] Tensor y|}) => MeanSquaredError(z, y);
            }
            """);
    }

    [Fact]
    public void GG0001_ReshapeWhoseProductWrapsToTheInputSize()
    {
        // 641 · 6700417 = 2³² + 1: as an int it wraps to 1, the input's size.
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(1)] Tensor x) => {|GG0001:Reshape(x, 641, 6700417)|};
            }
            """);
        Assert.Contains("(4294967297 values)", d[0].GetMessage());
    }

    [Fact]
    public void GG0014_UnitsComputedBeyondInt()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    for (int i = 1500000000; i < 1500000001; i++) x = Dense(x, {|GG0014:i * 2|}, "d");
                    return x;
                }
            }
            """);
        Assert.Equal("Argument 'units' of Dense is 3000000000 but must be at most 2147483647 (int.MaxValue)", d[0].GetMessage());
    }

    [Fact]
    public void GG0016_GraphWithTooManyNodes()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    for (int i = 0; i < 400; i++)
                        for (int j = 0; j < 300; j++)
                            x = {|GG0016:Relu(x)|};
                    return x;
                }
            }
            """);
        Assert.StartsWith("The graph would have more than 100,000 nodes", d[0].GetMessage());
    }

    [Fact]
    public void GG0009_LabelsOfZeroClasses()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, "out");
                [Loss] Tensor Loss(Tensor z, {|GG0009:[Labels(0)] Tensor y|}) => SoftmaxCrossEntropy(z, y);
            }
            """);
        Assert.Equal("[Labels(0)] on the target 'y' declares no classes: give the number of classes the labels range over, e.g. '[Labels(10)] Tensor y' for labels 0 to 9", d[0].GetMessage());
    }

    [Fact]
    public void GG0009_TargetWithANonPositiveDimension()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, "out");
                [Loss] Tensor Loss(Tensor z, {|GG0009:[Shape(2, 0)] Tensor y|}) => MeanSquaredError(z, y);
            }
            """);
        Assert.Equal("The target 'y' has shape [2, 0]: every dimension must be a positive constant", d[0].GetMessage());
    }

    [Fact]
    public void GG0009_InputGradientWithoutALoss()
    {
        // Found by the mutation property test: the generated property read a gradient that only trainable networks have.
        var d = AssertDiagnostics("""
            [Network({|GG0009:InputGradient = true|})] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, "out");
            }
            """);
        Assert.Equal("[Network(InputGradient = true)] asks for dLoss/dInput, but 'Net' has no [Loss] method to differentiate: add one, or remove InputGradient", d[0].GetMessage());
    }
}
