using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace GraphGen.Generator.Diagnostics;

/// <summary>A source location as plain data (no syntax tree reference), so models stay cacheable.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo From(SyntaxNode node) => From(node.GetLocation());

    public static LocationInfo From(Location location)
    {
        var line = location.GetLineSpan();
        return new LocationInfo(location.SourceTree?.FilePath ?? line.Path ?? "", location.SourceSpan, line.Span);
    }
}
