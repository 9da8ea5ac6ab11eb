using Microsoft.CodeAnalysis;

namespace GraphGen.Generator.Tests;

/// <summary>
/// Whatever the user calls a tensor or a layer, the generated code compiles: names that are C#
/// keywords, that collide once mangled into identifiers, or that would hide what the generated
/// code calls, are made unique, and free names are kept as they are.
/// </summary>
public class NamingTests
{
    /// <summary>Generates and compiles; fails on any generator diagnostic or any error or warning in the compilation.</summary>
    internal static GeneratorHarness.Result AssertCompiles(string source)
    {
        var result = GeneratorHarness.Run(gpu: true, DiagnosticAssert.Usings + source);
        Assert.True(result.GeneratorDiagnostics.IsEmpty, string.Join("\n", result.GeneratorDiagnostics));
        Assert.True(result.CompilationDiagnostics.IsEmpty, string.Join("\n", result.CompilationDiagnostics) + "\n" + string.Join("\n", result.Sources.Select(s => s.SourceText.ToString())));
        Assert.Equal(3, result.Sources.Length);   // network, description, GPU passes
        return result;
    }

    private const string MseLoss = "[Loss] Tensor Loss(Tensor z, [Shape(2)] Tensor y) => MeanSquaredError(z, y);";

    [Fact]
    public void InputNamedOWithInputGradientGetsAGradientThatIsNotTheKeywordDo()
    {
        var result = AssertCompiles($$"""
            [Network(InputGradient = true)] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor o) => Dense(o, 2, "out");
                {{MseLoss}}
            }
            """);
        Assert.Contains("var do_ = ", result.Source("Net.g.cs"));
    }

    [Fact]
    public void LayerNamedOGetsAGradientThatIsNotTheKeywordDo()
    {
        AssertCompiles($$"""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    var o = Dense(x, 3, "o");
                    var @if = Relu(o);
                    return Dense(@if, 2, "out");
                }
                {{MseLoss}}
            }
            """);
    }

    [Fact]
    public void LayersWhoseNamesManglePairwiseToTheSameIdentifierGetDistinctViews()
    {
        var result = AssertCompiles("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    var a = Dense(x, 2, "a.b");
                    var b = Dense(x, 2, "aB");
                    return a + b;
                }
                [Loss] Tensor Loss(Tensor z, [Shape(2)] Tensor y) => MeanSquaredError(z, y);
            }
            """);
        string code = result.Source("Net.g.cs");
        Assert.Contains("var aBWeight = ", code);
        Assert.Contains("var aBWeight_2 = ", code);
        Assert.Contains("var dABWeight_2 = ", code);
    }

    [Fact]
    public void NormalizationNamedLikeAnotherLayersWeightDoesNotShareItsView()
    {
        AssertCompiles("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    var a = Dense(x, 2, "a");
                    return LayerNorm(a, "a.weight");
                }
                [Loss] Tensor Loss(Tensor z, [Shape(2)] Tensor y) => MeanSquaredError(z, y);
            }
            """);
    }

    [Fact]
    public void LocalsNamedAfterTheMembersAndLocalsOfTheGeneratedPassesAreRenamed()
    {
        var result = AssertCompiles($$"""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor batch)
                {
                    var Seed = Dropout(Dense(batch, 3, "h"), 0.5f);
                    var TrainingSteps = Relu(Seed);
                    var ArenaView = TrainingSteps * 2f;
                    var term0 = Tanh(ArenaView);
                    var dTerm0 = Sigmoid(term0);
                    var i = Dense(dTerm0, 2, "r");
                    return i;
                }
                [Loss] Tensor Loss(Tensor withGradient, [Shape(2)] Tensor training) => MeanSquaredError(withGradient, training);
            }
            """);
        string code = result.Source("Net.g.cs");
        Assert.Contains("var Seed_ = ", code);
        Assert.Contains("StreamSeed(Seed, 0)", code);
    }

    [Fact]
    public void TensorNamedLikeAGradientOfAnotherKeepsItsNameAndTheGradientMoves()
    {
        var result = AssertCompiles($$"""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    var h = Dense(x, 3, "h");
                    var dh = Tanh(h);
                    var outWeight = Relu(dh);
                    var dOutWeight = Sigmoid(outWeight);
                    return Dense(dOutWeight, 2, "out");
                }
                {{MseLoss}}
            }
            """);
        string code = result.Source("Net.g.cs");
        Assert.Contains("var dh = ", code);
        Assert.Contains("var dh_2 = ", code);
        Assert.Contains("var outWeight_2 = ParameterView(", code);
    }

    [Fact]
    public void UnicodeNamesStayReadable()
    {
        var result = AssertCompiles($$"""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor entrée)
                {
                    var caché = Dense(entrée, 3, "couche.cachée");
                    return Dense(Relu(caché), 2, "sortie-finale");
                }
                {{MseLoss}}
            }
            """);
        string code = result.Source("Net.g.cs");
        Assert.Contains("var coucheCachéeWeight = ", code, StringComparison.Ordinal);
        Assert.Contains("var sortieFinaleBias = ", code, StringComparison.Ordinal);
    }
}
