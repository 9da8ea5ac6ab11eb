using System.Numerics;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace GraphGen.Generator.Tests;

/// <summary>
/// The generator's contract, checked on one source: it never throws (no CS8785) and never reports
/// GG0099; nothing it generates holds an error or a warning; every GG diagnostic lies in the user's
/// file; and when it generates nothing for a [Network] class, it says why (a GG error), or the
/// user's code has an error of its own that the compiler reports.
/// </summary>
internal static class GeneratorOutcome
{
    private const string UserFile = "Network0.cs";

    /// <summary>Runs the generator and throws, with the source, when the contract is broken; returns the run.</summary>
    public static GeneratorHarness.Result Check(string source)
    {
        var result = GeneratorHarness.Run(gpu: true, source);   // the GPU file too: it must compile as well
        var problems = new List<string>();
        foreach (var d in result.GeneratorDiagnostics)
        {
            if (d.Id is "CS8785" or "GG0099") problems.Add("generator failure: " + d);
            else if (d.Id.StartsWith("GG", StringComparison.Ordinal) && d.Location.GetLineSpan().Path != UserFile)
                problems.Add("GG diagnostic outside the user's file: " + d);
        }
        var all = result.CompilationDiagnostics; // the compiler's warnings and errors, generated files included
        foreach (var d in all.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath is { } path && path != UserFile))
            problems.Add("in generated code: " + d);
        bool generated = result.Sources.Length > 0;
        bool ggError = result.GeneratorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("GG", StringComparison.Ordinal));
        bool userError = all.Any(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath == UserFile);
        if (generated && ggError) problems.Add("generated code despite a GG error");
        // A class without [Network] (an edit can remove it) is plain C#: nothing to generate, nothing to say.
        bool declaresNetwork = source.Contains("[Network", StringComparison.Ordinal);
        if (!generated && declaresNetwork && !ggError && !userError) problems.Add("nothing generated, and no diagnostic says why");
        if (problems.Count == 0 && generated && !all.Any(d => d.Severity == DiagnosticSeverity.Error))
            problems.AddRange(LayoutProblems(result));
        if (problems.Count > 0)
            throw new Xunit.Sdk.XunitException(string.Join("\n", problems) + "\nsource:\n" + source);
        return result;
    }

    /// <summary>
    /// What a network that compiled says about its sizes, checked against its shapes in exact
    /// arithmetic: an int that wrapped (a parameter at the wrong offset, an input of 0 floats)
    /// compiles, so only the numbers show it. Loads the assembly; constructs nothing.
    /// </summary>
    private static IEnumerable<string> LayoutProblems(GeneratorHarness.Result result)
    {
        var problems = new List<string>();
        using var loaded = Load(result);
        foreach (var type in loaded.Assembly.GetTypes().Where(t => typeof(INetwork).IsAssignableFrom(t) && !t.IsAbstract))
        {
            NetworkLayout layout;
            try
            {
                layout = (NetworkLayout)type.GetField("Layout", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            }
            catch (TargetInvocationException e)
            {
                problems.Add($"{type.Name}.Layout throws {e.InnerException}");
                continue;
            }
            if (Exact(layout.InputShape) != layout.InputSize) problems.Add($"{type.Name}: InputSize {layout.InputSize} but the input is [{string.Join(", ", layout.InputShape)}]");
            foreach (var table in new[] { layout.Parameters, layout.State })
            {
                BigInteger offset = 0;
                foreach (var p in table.Parameters)
                {
                    if (p.Offset != offset) problems.Add($"{type.Name}: {p.Name} {p.ShapeText} at {p.Offset}, but the tensors before it end at {offset}");
                    offset += Exact(p.Shape);
                }
                if (offset > AlignedBuffer.MaxLength) problems.Add($"{type.Name}: {offset} floats of parameters or state, more than a buffer holds");
            }
            if (layout.ArenaWidth < 0 || layout.ArenaWidth > AlignedBuffer.MaxLength) problems.Add($"{type.Name}: ArenaWidth {layout.ArenaWidth}");
            foreach (var output in layout.Outputs)
                if (output.Offset < 0 || output.Width < 1 || (long)output.Offset + output.Width > layout.ArenaWidth)
                    problems.Add($"{type.Name}: an output at {output.Offset} of {output.Width} floats, outside the arena of {layout.ArenaWidth}");
        }
        return problems;
    }

    private static BigInteger Exact(int[] shape) => shape.Aggregate(BigInteger.One, (n, d) => n * d);

    /// <summary>
    /// Compiles the generated network and loads it into a collectible context, so that hundreds of
    /// random networks do not pile up in the test process; dispose the returned scope to unload.
    /// </summary>
    public static LoadedAssembly Load(GeneratorHarness.Result result)
    {
        using var stream = new MemoryStream();
        var emit = result.Output.Emit(stream);
        if (!emit.Success) throw new Xunit.Sdk.XunitException(string.Join("\n", emit.Diagnostics));
        stream.Position = 0;
        var context = new AssemblyLoadContext("random network", isCollectible: true);
        return new LoadedAssembly(context, context.LoadFromStream(stream));
    }
}

/// <summary>An assembly in a collectible load context, unloaded on dispose.</summary>
internal sealed class LoadedAssembly(AssemblyLoadContext context, Assembly assembly) : IDisposable
{
    public Assembly Assembly { get; } = assembly;

    public void Dispose() => context.Unload();
}
