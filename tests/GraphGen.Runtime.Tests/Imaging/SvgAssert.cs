using System.Globalization;
using System.Xml.Linq;

namespace GraphGen.Runtime.Tests.Imaging;

/// <summary>Parses plot output as XML and checks what every SVG we write must satisfy.</summary>
internal static class SvgAssert
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly HashSet<string> NumericAttributes =
        ["x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy", "r", "font-size", "stroke-width"];

    /// <summary>
    /// Parses <paramref name="svg"/> (throwing if it is not well-formed XML) and checks the
    /// root, the viewBox, and that every numeric attribute is a plain invariant-culture number.
    /// </summary>
    public static XDocument WellFormed(string svg, int width, int height)
    {
        var document = XDocument.Parse(svg);
        var root = document.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal($"0 0 {width} {height}", (string?)root.Attribute("viewBox"));
        Assert.Equal(width.ToString(CultureInfo.InvariantCulture), (string?)root.Attribute("width"));
        foreach (var attribute in document.Descendants().Attributes().Where(a => NumericAttributes.Contains(a.Name.LocalName)))
            Assert.True(
                double.TryParse(attribute.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v),
                $"{attribute.Parent!.Name.LocalName}/@{attribute.Name} = '{attribute.Value}' is not a plain number");
        foreach (var points in document.Descendants(Svg + "polyline").Select(p => (string)p.Attribute("points")!))
            Assert.All(Points(points), p => Assert.True(double.IsFinite(p.X) && double.IsFinite(p.Y)));
        return document;
    }

    public static IEnumerable<XElement> All(this XDocument document, string name) => document.Descendants(Svg + name);

    /// <summary>The children of the group with class="<paramref name="className"/>".</summary>
    public static XElement Group(this XDocument document, string className) =>
        document.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == className);

    public static IEnumerable<string> Texts(this XDocument document) => document.Descendants(Svg + "text").Select(t => t.Value);

    public static double Number(this XElement element, string attribute) =>
        double.Parse((string)element.Attribute(attribute)!, CultureInfo.InvariantCulture);

    public static IReadOnlyList<(double X, double Y)> Points(string points) =>
        points.Split(' ').Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture))).ToList();

    /// <summary>Runs <paramref name="action"/> with a current culture that writes "1,5" and "~2": output must not change.</summary>
    public static T UnderCommaCulture<T>(Func<T> action)
    {
        var original = CultureInfo.CurrentCulture;
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        comma.NumberFormat.NumberGroupSeparator = ".";
        comma.NumberFormat.NegativeSign = "~";
        try
        {
            CultureInfo.CurrentCulture = comma;
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }
}
