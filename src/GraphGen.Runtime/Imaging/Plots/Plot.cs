using System.Text;

namespace GraphGen.Imaging;

/// <summary>
/// A chart drawn as SVG text by hand: <see cref="ToSvg"/> gives the document, deterministic
/// to the byte (invariant culture, fixed number formatting), and <see cref="Save"/> writes it.
/// </summary>
public abstract class Plot
{
    private int _width = 640;
    private int _height = 400;

    /// <summary>Title drawn above the plot; empty for none.</summary>
    public string Title { get; set; } = "";

    /// <summary>Width of the SVG in pixels (also its viewBox), at least 200.</summary>
    public int Width
    {
        get => _width;
        set => _width = value >= 200 ? value : throw new ArgumentOutOfRangeException(nameof(Width), value, "A plot needs at least 200 pixels of width.");
    }

    /// <summary>Height of the SVG in pixels (also its viewBox), at least 150.</summary>
    public int Height
    {
        get => _height;
        set => _height = value >= 150 ? value : throw new ArgumentOutOfRangeException(nameof(Height), value, "A plot needs at least 150 pixels of height.");
    }

    /// <summary>The plot as an SVG document.</summary>
    public abstract string ToSvg();

    /// <summary>
    /// Writes the SVG as UTF-8 to <paramref name="path"/>, creating the directory if needed.
    /// The file is written beside the target and renamed over it, so a reader never sees half
    /// a plot and a failure leaves any previous file as it was.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        OutputFile.Write(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(ToSvg()));
    }

    /// <summary>A new document of this plot's size with the title centred at the top.</summary>
    private protected SvgDocument StartDocument()
    {
        var svg = new SvgDocument(Width, Height);
        if (Title.Length > 0) svg.Text(Width / 2.0, 18, Title, TextMetrics.TitleSize, anchor: "middle", bold: true);
        return svg;
    }

    /// <summary>Space above the plot area: room for the title, if there is one.</summary>
    private protected double TopMargin => Title.Length > 0 ? 40 : 16;
}
