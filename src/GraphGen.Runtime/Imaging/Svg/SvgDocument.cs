using System.Text;

namespace GraphGen.Imaging;

/// <summary>
/// Writes SVG text element by element, one per line and indented by nesting, escaping every
/// attribute value and text. Numbers go through <see cref="SvgNumber"/>. Plots use the
/// shape helpers; <see cref="Open"/> and <see cref="Element"/> cover anything else.
/// </summary>
internal sealed class SvgDocument
{
    public const string FontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif";

    private readonly StringBuilder _text = new();
    private readonly Stack<string> _open = new();

    public SvgDocument(double width, double height)
    {
        Open("svg",
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("width", SvgNumber.Format(width)),
            ("height", SvgNumber.Format(height)),
            ("viewBox", $"0 0 {SvgNumber.Format(width)} {SvgNumber.Format(height)}"),
            ("font-family", FontFamily));
        Rect(0, 0, width, height, fill: "#ffffff");
    }

    /// <summary>Starts an element that holds others; <see cref="Close"/> ends it.</summary>
    public SvgDocument Open(string name, params (string Name, string? Value)[] attributes)
    {
        StartTag(name, attributes);
        _text.Append(">\n");
        _open.Push(name);
        return this;
    }

    public SvgDocument Close()
    {
        string name = _open.Pop();
        Indent().Append("</").Append(name).Append(">\n");
        return this;
    }

    /// <summary>An element with attributes and optional text content; attributes with a null value are left out.</summary>
    public SvgDocument Element(string name, string? text, params (string Name, string? Value)[] attributes)
    {
        StartTag(name, attributes);
        if (text is null) _text.Append("/>\n");
        else _text.Append('>').Append(XmlText.Escape(text)).Append("</").Append(name).Append(">\n");
        return this;
    }

    public SvgDocument Rect(double x, double y, double width, double height, string fill, string? stroke = null, double strokeWidth = 1) =>
        Element("rect", null,
            ("x", SvgNumber.Format(x)), ("y", SvgNumber.Format(y)),
            ("width", SvgNumber.Format(Math.Max(width, 0))), ("height", SvgNumber.Format(Math.Max(height, 0))),
            ("fill", fill), ("stroke", stroke), ("stroke-width", stroke is null ? null : SvgNumber.Format(strokeWidth)));

    public SvgDocument Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null) =>
        Element("line", null,
            ("x1", SvgNumber.Format(x1)), ("y1", SvgNumber.Format(y1)), ("x2", SvgNumber.Format(x2)), ("y2", SvgNumber.Format(y2)),
            ("stroke", stroke), ("stroke-width", SvgNumber.Format(width)), ("stroke-dasharray", dash));

    public SvgDocument Polyline(IEnumerable<(double X, double Y)> points, string stroke, double width, string? dash = null) =>
        Element("polyline", null,
            ("points", string.Join(" ", points.Select(p => $"{SvgNumber.Format(p.X)},{SvgNumber.Format(p.Y)}"))),
            ("fill", "none"), ("stroke", stroke), ("stroke-width", SvgNumber.Format(width)),
            ("stroke-linejoin", "round"), ("stroke-linecap", "round"), ("stroke-dasharray", dash));

    public SvgDocument Circle(double cx, double cy, double r, string fill, string? stroke = null) =>
        Element("circle", null,
            ("cx", SvgNumber.Format(cx)), ("cy", SvgNumber.Format(cy)), ("r", SvgNumber.Format(r)),
            ("fill", fill), ("stroke", stroke));

    /// <summary>
    /// Text whose anchor point is (x, y): <paramref name="anchor"/> is start, middle or end
    /// horizontally; vertically y is the middle of the text, placed by shifting the baseline
    /// down 0.35 em (the x-height centre of common sans fonts) rather than by
    /// dominant-baseline, which renderers support unevenly.
    /// </summary>
    public SvgDocument Text(double x, double y, string text, double size, string anchor = "start",
        double rotate = 0, bool bold = false, string fill = "#222222")
    {
        double baseline = y + 0.35 * size;
        string? transform = rotate == 0 ? null
            : $"rotate({SvgNumber.Format(rotate)} {SvgNumber.Format(x)} {SvgNumber.Format(y)})";
        return Element("text", text,
            ("x", SvgNumber.Format(x)), ("y", SvgNumber.Format(baseline)),
            ("font-size", SvgNumber.Format(size)), ("text-anchor", anchor == "start" ? null : anchor),
            ("font-weight", bold ? "bold" : null), ("fill", fill), ("transform", transform));
    }

    /// <summary>Closes every element still open and returns the document.</summary>
    public string Finish()
    {
        while (_open.Count > 0) Close();
        return _text.ToString();
    }

    private void StartTag(string name, (string Name, string? Value)[] attributes)
    {
        Indent().Append('<').Append(name);
        foreach (var (attribute, value) in attributes)
            if (value is not null)
                _text.Append(' ').Append(attribute).Append("=\"").Append(XmlText.Escape(value)).Append('"');
    }

    private StringBuilder Indent() => _text.Append(' ', 2 * _open.Count);
}
