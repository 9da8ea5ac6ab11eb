using System.Collections.Immutable;
using System.Reflection;
using GraphGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GraphGen.Generator.Tests;

/// <summary>Runs the generator on source text, the way the compiler does, and compiles the result.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // This test project references the GPU backend for GpuReferences; a plain compilation must not
        // see it (the generator would write GPU passes), so it is left out here.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("GraphGen.Runtime.Gpu", StringComparison.Ordinal) && !Path.GetFileName(p).StartsWith("ILGPU", StringComparison.Ordinal))
            .ToList();
        paths.Add(typeof(Tensor).Assembly.Location);          // GraphGen.Dsl
        paths.Add(typeof(ParameterTable).Assembly.Location);  // GraphGen.Runtime
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    /// <summary>The references of a project that also references the GPU backend (GraphGen.Gpu and ILGPU).</summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> GpuReferences = new(() =>
        References.Value.AddRange(new[] { typeof(GraphGen.Gpu.GpuDevice).Assembly, typeof(ILGPU.Context).Assembly, typeof(ILGPU.Algorithms.XMath).Assembly }
            .Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location))));

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Compilation(params string[] sources) => Compilation(gpu: false, sources);

    /// <param name="gpu">Reference GraphGen.Gpu too: the generator then writes each network's GPU passes.</param>
    /// <param name="sources">The user's files.</param>
    public static CSharpCompilation Compilation(bool gpu, params string[] sources) =>
        CSharpCompilation.Create("Networks",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Network{i}.cs")),
            gpu ? GpuReferences.Value : References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

    public static GeneratorDriver Driver() =>
        CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Generator diagnostics, generated sources, and the diagnostics of the final compilation.</summary>
    public sealed record Result(ImmutableArray<Diagnostic> GeneratorDiagnostics, ImmutableArray<GeneratedSourceResult> Sources,
        Compilation Output, ImmutableArray<Diagnostic> CompilationDiagnostics)
    {
        public string Source(string hintSuffix) =>
            Sources.Single(s => s.HintName.EndsWith(hintSuffix, StringComparison.Ordinal)).SourceText.ToString();
    }

    public static Result Run(params string[] sources) => Run(gpu: false, sources);

    /// <summary>Runs the generator; with <paramref name="gpu"/>, in a compilation that references the GPU backend.</summary>
    public static Result Run(bool gpu, params string[] sources)
    {
        var compilation = Compilation(gpu, sources);
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var run = driver.GetRunResult();
        return new Result(generatorDiagnostics, run.Results.Single().GeneratedSources, output,
            output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.Id.StartsWith("GG", StringComparison.Ordinal)).ToImmutableArray());
    }

    /// <summary>Generates, compiles without errors or warnings, and loads the assembly into this process.</summary>
    public static Assembly CompileAndLoad(params string[] sources) => CompileAndLoad(sources, allowedWarnings: []);

    /// <summary>
    /// Generates, compiles and loads; the generator may report the warnings in
    /// <paramref name="allowedWarnings"/> (random networks leave some layers unused: GG0018), nothing else.
    /// </summary>
    public static Assembly CompileAndLoad(string[] sources, string[] allowedWarnings)
    {
        var result = Run(sources);
        Assert.True(result.GeneratorDiagnostics.All(d => d.Severity == DiagnosticSeverity.Warning && allowedWarnings.Contains(d.Id)),
            string.Join("\n", result.GeneratorDiagnostics));
        Assert.True(result.CompilationDiagnostics.IsEmpty, string.Join("\n", result.CompilationDiagnostics));
        using var stream = new MemoryStream();
        var emit = result.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        return Assembly.Load(stream.ToArray());
    }
}
