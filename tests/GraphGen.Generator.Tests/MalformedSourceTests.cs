namespace GraphGen.Generator.Tests;

/// <summary>
/// The generator never throws, whatever the user has typed so far: half-written networks,
/// syntax errors and odd constructs give diagnostics (or nothing), never a generator crash.
/// </summary>
public class MalformedSourceTests
{
    public static TheoryData<string> Sources() => new()
    {
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => ",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) { return Dense(x, , \"a\"); } }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) { var y = ; return y; } }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) { return Dense(x, 3); } }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, \"3\", \"a\"); }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => x switch { _ => x }; }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) { Tensor f(Tensor t) => Relu(t); return f(x); } }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => (x, x); }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) { var a = new Tensor[2]; return a[5]; } }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) { for (int i = 0; i < 3; i--) x = Relu(x); return x; } }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => Reshape(x, 0, -4); }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => MatMul(x, x); }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => Conv2d(x, 2, 3, \"c\"); }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(0)] Tensor x) => Relu(x); }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => Helper(x); Tensor Helper(Tensor t) => Helper(t); }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => Stack(Unstack(x)); }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(2, 4)] Tensor x) => Softmax(x, causal: true); }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => x; [Loss] Tensor Loss(Tensor z) => z; }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, \"a\"); [Loss] Tensor Loss(Tensor z, [Labels(2)] Tensor y) => SoftmaxCrossEntropy(y, z); }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, \"a\"); [Loss] Tensor Loss(Tensor z, [Shape(2)] Tensor y) => KlDivergence(z, y) * KlDivergence(z, y); }",
        "[Network] partial record A { }",
        "[Network] partial class A { [Forward] static Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, \"a\"); }",
        "[Network] partial class A { [Forward] Tensor Forward([Shape(4)] Tensor x, [Shape(4)] Tensor y) => x + y; }",
        "[Network] partial class A { [Forward] void Forward([Shape(4)] Tensor x) { } }",
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void GeneratorDoesNotThrow(string source)
    {
        var compilation = GeneratorHarness.Compilation("using GraphGen;\nusing static GraphGen.Nn;\n" + source);
        var result = GeneratorHarness.Driver().RunGenerators(compilation).GetRunResult();
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(result.Diagnostics, d => d.Id is "GG0099" or "CS8785");
    }
}
