using System.Runtime.CompilerServices;

namespace GraphGen.Generator.Tests;

/// <summary>Whole generated files for networks that exercise different parts of the emitter; they must compile without warnings.</summary>
public class SnapshotTests
{
    private const string Usings = "using GraphGen;\nusing static GraphGen.Nn;\nnamespace Snapshots;\n";

    private static void VerifyGenerated(string source, [CallerMemberName] string test = "")
    {
        var result = GeneratorHarness.Run(Usings + source);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.True(result.CompilationDiagnostics.IsEmpty, string.Join("\n", result.CompilationDiagnostics));
        foreach (var generated in result.Sources)
            Snapshot.Verify(Path.Combine(Snapshot.SnapshotDirectory(), $"{test}#{generated.HintName[..^3]}.verified.cs"), generated.SourceText.ToString());
    }

    [Fact]
    public void ResidualDagWithTiedWeightsAndConcat() => VerifyGenerated("""
        [Network] public partial class Residual
        {
            [Forward] Tensor Forward([Shape(8)] Tensor x)
            {
                var h = Relu(Dense(x, 16, "stem"));
                h = h + Relu(Dense(h, 16, "block"));
                h = h + Relu(Dense(h, 16, "block", share: true));
                var both = Concat(h, x - Mean(x));
                return Dense(both, 4, "head");
            }
            [Loss] Tensor Loss(Tensor z, [Labels(4)] Tensor y) => SoftmaxCrossEntropy(z, y);
        }
        """);

    [Fact]
    public void InferenceOnlyNetwork() => VerifyGenerated("""
        [Network] public partial class Encoder
        {
            [Forward] Tensor Forward([Shape(6)] Tensor x) => Softmax(Gelu(Dense(x, 3, "project", bias: false)));
        }
        """);

    [Fact]
    public void InputGradientAndWeightedLosses() => VerifyGenerated("""
        [Network(InputGradient = true)] public partial class Saliency
        {
            [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(Tanh(Dense(x, 5, "hidden")), 2, "out");
            [Loss] Tensor Loss(Tensor z, [Shape(2)] Tensor t) => BinaryCrossEntropyWithLogits(z, t) + 0.1f * MeanSquaredError(z, t);
        }
        """);

    [Fact]
    public void NestedInNamespaceAndClass() => VerifyGenerated("""
        public partial class Outer
        {
            [Network] internal partial class Inner
            {
                const int Width = 3;
                [Forward] Tensor Forward([Shape(2)] Tensor x)
                {
                    var h = x;
                    for (int i = 0; i < 2; i++) h = Sigmoid(Dense(h, Width, $"layer{i}"));
                    return h;
                }
                [Loss] Tensor Loss(Tensor p, [Shape(3)] Tensor y) => BinaryCrossEntropy(p, y);
            }
        }
        """);
}
