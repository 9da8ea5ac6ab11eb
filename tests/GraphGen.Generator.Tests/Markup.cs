using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;

namespace GraphGen.Generator.Tests;

/// <summary>Source with expected diagnostics marked inline as {|GG0001:span|}.</summary>
internal sealed partial class Markup
{
    public string Source { get; }
    public IReadOnlyList<(string Id, TextSpan Span)> Expected { get; }

    public Markup(string markup)
    {
        var source = new StringBuilder();
        var expected = new List<(string, TextSpan)>();
        var open = new Stack<(string Id, int Start)>();
        int i = 0;
        while (i < markup.Length)
        {
            var m = OpenTag().Match(markup, i);
            if (m.Success && m.Index == i)
            {
                open.Push((m.Groups[1].Value, source.Length));
                i += m.Length;
            }
            else if (markup.AsSpan(i).StartsWith("|}"))
            {
                var (id, start) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(start, source.Length)));
                i += 2;
            }
            else source.Append(markup[i++]);
        }
        Source = source.ToString();
        Expected = expected;
    }

    [GeneratedRegex(@"\{\|(GG\d{4}):")]
    private static partial Regex OpenTag();
}
