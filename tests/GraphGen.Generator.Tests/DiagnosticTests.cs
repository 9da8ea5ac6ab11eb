using Microsoft.CodeAnalysis;

using static GraphGen.Generator.Tests.DiagnosticAssert;

namespace GraphGen.Generator.Tests;

/// <summary>Each diagnostic id, reported on the exact span of the offending code, with a message that says what to do.</summary>
public class DiagnosticTests
{
    [Fact]
    public void GG0001_ElementwiseShapeMismatch()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(8)] Tensor x)
                {
                    var a = Dense(x, 32, "a");
                    var b = Dense(x, 16, "b");
                    return {|GG0001:a + b|};
                }
            }
            """);
        Assert.Contains("'+' needs tensors of the same shape (or one of shape [1]), but receives a [32] and b [16]", d[0].GetMessage());
    }

    [Fact]
    public void GG0001_SharedLayerReceivesWrongWidth()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(32)] Tensor x)
                {
                    var h = Dense(x, 16, name: "output");
                    return Dense({|GG0001:h|}, 16, name: "output", share: true);
                }
            }
            """);
        Assert.Equal("Dense \"output\" expects 32 inputs (its shared weight is [16, 32]) but receives 16", d[0].GetMessage());
    }

    [Fact]
    public void GG0001_LogitsDoNotMatchLabelCount()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 10, "out");
                [Loss] Tensor Loss(Tensor z, [Labels(12)] Tensor y) => SoftmaxCrossEntropy({|GG0001:z|}, y);
            }
            """);
        Assert.Contains("have 10 classes on their last axis but the labels declare [Labels(12)]", d[0].GetMessage());
    }

    [Fact]
    public void GG0002_WhileLoop()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    var h = x;
                    {|GG0002:while (true) { h = Relu(h); }|}
                    return Dense(h, 2, "out");
                }
            }
            """);
        Assert.Contains("for (int t = 0; t < Steps; t++)", d[0].GetMessage());
    }

    [Fact]
    public void GG0003_UnknownMethod()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => {|GG0003:System.Console.WriteLine|}(x);
            }
            """);
        Assert.Contains("Known ops: ", d[0].GetMessage());
    }

    [Fact]
    public void GG0003_OpWithoutUsingStaticSuggestsIt()
    {
        var m = new Markup("""
            using GraphGen;
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => {|GG0003:Relu|}(x);
            }
            """);
        var result = GeneratorHarness.Run(m.Source);
        var d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("GG0003", d.Id);
        Assert.Equal(m.Expected[0].Span, d.Location.SourceSpan);
        Assert.Contains("add 'using static GraphGen.Nn;'", d.GetMessage());
    }

    [Fact]
    public void GG0004_NotPartial()
    {
        var d = AssertDiagnostics("""
            [Network] class {|GG0004:Net|}
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, "out");
            }
            """);
        Assert.Contains("declare it 'partial class Net'", d[0].GetMessage());
    }

    [Fact]
    public void GG0005_MissingForward()
    {
        AssertDiagnostics("""
            [Network] partial class {|GG0005:Net|}
            {
                Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, "out");
            }
            """);
    }

    [Fact]
    public void GG0006_NonConstantUnits()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                static readonly int Width = 32;
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, {|GG0006:Width|}, "out");
            }
            """);
        Assert.Equal("Argument 'units' of Dense must be a compile-time constant, but 'Width' is not: use a literal, a const field, or a loop variable of a constant-bound for loop", d[0].GetMessage());
    }

    [Fact]
    public void GG0006_NonConstantLoopBound()
    {
        AssertDiagnostics("""
            [Network] partial class Net
            {
                int Depth { get; set; } = 3;
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    var h = x;
                    for (int i = 0; i < {|GG0006:Depth|}; i++) h = Relu(Dense(h, 4, $"layer{i}"));
                    return h;
                }
            }
            """);
    }

    [Fact]
    public void GG0007_DuplicateLayerName()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    var h = Dense(x, 4, "layer");
                    return Dense(h, 4, {|GG0007:"layer"|});
                }
            }
            """);
        Assert.Equal("Layer name 'layer' is already used at line 7: give this layer its own name, or pass 'share: true' to reuse (tie) that layer's weights", d[0].GetMessage());
    }

    [Fact]
    public void GG0008_InputWithoutShape()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward({|GG0008:Tensor x|}) => Dense(x, 2, "out");
            }
            """);
        Assert.Contains("[Shape(784)] Tensor x", d[0].GetMessage());
    }

    [Fact]
    public void GG0009_LabelsGivenToRegressionLoss()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 1, "out");
                [Loss] Tensor Loss(Tensor p, [Labels(2)] Tensor y) => MeanSquaredError(p, {|GG0009:y|});
            }
            """);
        Assert.Contains("'[Shape(1)] Tensor y' instead of [Labels]", d[0].GetMessage());
    }

    [Fact]
    public void GG0009_ProductOfLosses()
    {
        AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 1, "out");
                [Loss] Tensor Loss(Tensor p, [Shape(1)] Tensor y) => {|GG0009:MeanSquaredError(p, y) * MeanSquaredError(p, y)|};
            }
            """);
    }

    [Fact]
    public void GG0010_TwoForwardMethods()
    {
        AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 1, "out");
                [Forward] Tensor {|GG0010:Other|}([Shape(4)] Tensor x) => Dense(x, 1, "out");
            }
            """);
    }

    [Fact]
    public void GG0011_DataDependentIf()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    var h = Dense(x, 4, "a");
                    if ({|GG0011:h > 0|}) h = Relu(h);
                    return h;
                }
            }
            """);
        Assert.Contains("depends on tensor values", d[0].GetMessage());
    }

    [Fact]
    public void GG0012_GenericNetwork()
    {
        AssertDiagnostics("""
            [Network] partial class {|GG0012:Net|}<T>
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 1, "out");
            }
            """);
    }

    [Fact]
    public void GG0013_ForwardWithoutNetwork()
    {
        var m = new Markup(Usings + """
            partial class Net
            {
                [Forward] Tensor {|GG0013:Forward|}([Shape(4)] Tensor x) => Dense(x, 1, "out");
            }
            """);
        var result = GeneratorHarness.Run(m.Source);
        var d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("GG0013", d.Id);
        Assert.Equal(m.Expected[0].Span, d.Location.SourceSpan);
    }

    [Fact]
    public void GG0014_ZeroUnits()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, {|GG0014:0|}, "out");
            }
            """);
        Assert.Equal("Argument 'units' of Dense is 0 but must be at least 1", d[0].GetMessage());
    }

    [Fact]
    public void ConditionsOnLoopVariablesAreStatic()
    {
        var result = GeneratorHarness.Run(Usings + """
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    var h = x;
                    for (int i = 0; i < 3; i++)
                    {
                        var z = Dense(h, 4, $"layer{i}");
                        h = i > 0 ? h + Relu(z) : Relu(z);
                    }
                    return h;
                }
            }
            """);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationDiagnostics);
        Assert.Contains("layer2.weight", result.Source("Net.g.cs"));
    }
}
