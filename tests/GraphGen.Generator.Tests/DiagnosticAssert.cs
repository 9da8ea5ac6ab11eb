using Microsoft.CodeAnalysis;

namespace GraphGen.Generator.Tests;

/// <summary>Runs the generator on marked-up source and checks that exactly the marked diagnostics are reported.</summary>
internal static class DiagnosticAssert
{
    public const string Usings = "using GraphGen;\nusing static GraphGen.Nn;\n";

    /// <summary>
    /// Runs the generator and checks that exactly the marked diagnostics are reported; returns them.
    /// After an error nothing is generated; with warnings only, the generated code compiles.
    /// </summary>
    public static IReadOnlyList<Diagnostic> AssertDiagnostics(string markup)
    {
        var m = new Markup(Usings + markup);
        var result = GeneratorHarness.Run(m.Source);
        var actual = result.GeneratorDiagnostics.Select(d => (d.Id, d.Location.SourceSpan)).OrderBy(d => d.SourceSpan.Start).ToList();
        var expected = m.Expected.OrderBy(e => e.Span.Start).ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"expected: {string.Join(", ", expected.Select(e => $"{e.Id} '{m.Source.Substring(e.Span.Start, e.Span.Length)}'"))}\n" +
            $"actual:   {string.Join(", ", result.GeneratorDiagnostics.Select(d => $"{d.Id} '{m.Source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)}': {d.GetMessage()}"))}");
        if (result.GeneratorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            Assert.Empty(result.Sources);
        else
        {
            // Warnings are reported beside generated code, which must compile.
            Assert.Equal(2, result.Sources.Length);
            Assert.True(result.CompilationDiagnostics.IsEmpty, string.Join("\n", result.CompilationDiagnostics));
        }
        return result.GeneratorDiagnostics;
    }
}
