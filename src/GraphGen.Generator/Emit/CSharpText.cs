using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace GraphGen.Generator.Emit;

/// <summary>User text made safe where the generated code puts it: identifiers, string literals, file names.</summary>
internal static class CSharpText
{
    /// <summary>An identifier as C# source: "@class" for the keyword class, anything else as it is.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A string literal, escaped: "a\"b" for a"b.</summary>
    public static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);

    /// <summary>
    /// A name the compiler accepts as a generated file's hint name: letters, digits, '.', '_' and
    /// '-' are kept, anything else (the '@' of an escaped keyword, formatting characters) becomes '_'.
    /// </summary>
    public static string HintName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name.Replace("@", ""))
            sb.Append(char.IsLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        return sb.ToString();
    }

    /// <summary>The raw-string delimiter for <paramref name="lines"/>: four quotes, or one more than the longest run of quotes in them.</summary>
    public static string RawDelimiter(System.Collections.Generic.IEnumerable<string> lines)
    {
        int longest = 0;
        foreach (var line in lines)
        {
            int run = 0;
            foreach (char c in line)
            {
                run = c == '"' ? run + 1 : 0;
                if (run > longest) longest = run;
            }
        }
        return new string('"', System.Math.Max(4, longest + 1));
    }
}
