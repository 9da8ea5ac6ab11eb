namespace GraphGen.Generator.Tests;

/// <summary>
/// Every example's generated code is committed under examples/&lt;Name&gt;/Generated/ so it can
/// be read without building. This test regenerates it from the example's sources and fails
/// when the committed copy is stale (GRAPHGEN_ACCEPT=1 rewrites it).
/// </summary>
public class ExampleGeneratedCodeTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(Snapshot.RepositoryRoot(), "examples")).Order(StringComparer.Ordinal))
        {
            bool declaresNetwork = Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Where(f => !IsBuildOutput(f))
                .Any(f => File.ReadAllText(f).Contains("[Network", StringComparison.Ordinal));
            if (declaresNetwork) data.Add(Path.GetFileName(dir));
        }
        return data;
    }

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}Generated{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Examples))]
    public void GeneratedCodeIsCommittedAndCurrent(string example)
    {
        string dir = Path.Combine(Snapshot.RepositoryRoot(), "examples", example);
        var sources = Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories).Where(f => !IsBuildOutput(f)).Order(StringComparer.Ordinal)
            .Select(File.ReadAllText).ToArray();
        // Examples built with the GPU backend (GraphGenGpu in their project) commit their GPU passes too.
        bool gpu = Directory.GetFiles(dir, "*.csproj").Any(p => File.ReadAllText(p).Contains("''\">true</GraphGenGpu>", StringComparison.Ordinal));
        var result = GeneratorHarness.Run(gpu, sources);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.NotEmpty(result.Sources);
        var expectedFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in result.Sources)
        {
            expectedFiles.Add(source.HintName);
            Snapshot.Verify(Path.Combine(dir, "Generated", source.HintName), source.SourceText.ToString());
        }
        string generatedDir = Path.Combine(dir, "Generated");
        foreach (var file in Directory.GetFiles(generatedDir, "*.g.cs"))
        {
            if (expectedFiles.Contains(Path.GetFileName(file))) continue;
            if (Snapshot.Accepting) File.Delete(file);
            else Assert.Fail($"{file} is no longer generated; delete it (or run with GRAPHGEN_ACCEPT=1).");
        }
    }
}
