using System;
using System.Text;

namespace GraphGen.Generator.Emit;

/// <summary>Writes C# with indentation; <see cref="Block"/> opens a brace block closed by Dispose.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public void Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
    }

    public void Comment(string text) => Line("// " + text);

    public IDisposable Block(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return new Closer(this, "}");
    }

    /// <summary>A block whose closing brace is followed by a suffix (e.g. ";" for initializers).</summary>
    public IDisposable Block(string header, string closing)
    {
        Line(header);
        Line("{");
        _indent++;
        return new Closer(this, closing);
    }

    public IDisposable Indent()
    {
        _indent++;
        return new Closer(this, null);
    }

    public override string ToString() => _text.ToString();

    private sealed class Closer(CodeWriter writer, string? closing) : IDisposable
    {
        public void Dispose()
        {
            writer._indent--;
            if (closing is not null) writer.Line(closing);
        }
    }
}
