using System.Text.RegularExpressions;
using GraphGen.Data;

namespace GraphGen.Onnx.Tests;

/// <summary>The export cases keep up with the examples: a network added to an example is a case here too.</summary>
public partial class ExportCasesTests
{
    [GeneratedRegex(@"^namespace\s+([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    // [Network] (with or without arguments), then the class declaration, possibly after comments.
    [GeneratedRegex(@"\[Network[^\]]*\][^{;]*?partial\s+class\s+(\w+)")]
    private static partial Regex NetworkClass();

    [Fact]
    public void Every_network_declared_in_the_examples_is_exported_by_a_test()
    {
        string examples = Path.Combine(DataPaths.FindRepositoryRoot(), "examples");
        var declared = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(examples, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}Generated{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")) continue;
            string source = File.ReadAllText(file);
            string? ns = Namespace().Match(source) is { Success: true } m ? m.Groups[1].Value : null;
            foreach (Match network in NetworkClass().Matches(source))
                declared.Add(ns is null ? network.Groups[1].Value : $"{ns}.{network.Groups[1].Value}");
        }

        Assert.NotEmpty(declared);
        Assert.Equal(declared, new SortedSet<string>(ExportCases.Examples.Select(c => c.Name), StringComparer.Ordinal));
    }
}
