using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GraphGen.Generator.Tests;

/// <summary>The pipeline's steps stay Cached when an edit does not touch the network.</summary>
public class IncrementalTests
{
    private const string Network = """
        using GraphGen;
        using static GraphGen.Nn;
        [Network] public partial class Net
        {
            [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(Relu(Dense(x, 8, "hidden")), 3, "out");
            [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
        }
        """;

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun(params string[] sources)
    {
        var compilation = GeneratorHarness.Compilation(sources);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        return (driver, compilation);
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void EditingAnotherFileLeavesEveryStepCached()
    {
        var (driver, compilation) = FirstRun(Network, "class Other { int A => 1; }");
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("class Other { int A => 2; int B => 3; }", GeneratorHarness.ParseOptions, path: "Network1.cs"));
        driver = driver.RunGenerators(edited);
        // Parse may re-run against the new compilation, but must produce an equal spec ...
        Assert.All(Reasons(driver, StepNames.Parse), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        // ... so the expensive step is not run at all.
        Assert.All(Reasons(driver, StepNames.Compile), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void EditingAnUnrelatedMemberOfTheNetworkReusesTheCompiledOutput()
    {
        var (driver, compilation) = FirstRun(Network);
        string withComment = Network.Replace("[Network] public partial class Net\n{", "[Network] public partial class Net\n{\n    // a comment\n    public int Unrelated => 42;");
        Assert.NotEqual(Network, withComment);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(withComment, GeneratorHarness.ParseOptions, path: "Network0.cs"));
        driver = driver.RunGenerators(edited);
        // The spec's locations moved with the inserted lines, so Compile re-ran, but its output
        // (source and diagnostics) is equal, so nothing is re-added to the compilation.
        Assert.All(Reasons(driver, StepNames.Compile), r => Assert.Equal(IncrementalStepRunReason.Unchanged, r));
    }

    [Fact]
    public void EditingTheNetworkRegenerates()
    {
        var (driver, compilation) = FirstRun(Network);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Network.Replace("8, \"hidden\"", "16, \"hidden\""), GeneratorHarness.ParseOptions, path: "Network0.cs"));
        driver = driver.RunGenerators(edited);
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, StepNames.Compile));
        var source = driver.GetRunResult().Results.Single().GeneratedSources.Single(s => !s.HintName.Contains(".Describe.")).SourceText.ToString();
        Assert.Contains("hidden.weight  [16, 4]", source);
    }

    [Fact]
    public void SpecsAreValueEqual()
    {
        // Two parses of the same text must compare equal, or nothing downstream could cache.
        var first = FirstRun(Network).Driver.GetRunResult().Results.Single().TrackedSteps[StepNames.Parse].Single().Outputs.Single().Value;
        var second = FirstRun(Network).Driver.GetRunResult().Results.Single().TrackedSteps[StepNames.Parse].Single().Outputs.Single().Value;
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }
}
