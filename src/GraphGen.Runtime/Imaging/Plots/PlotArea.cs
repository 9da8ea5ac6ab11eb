namespace GraphGen.Imaging;

/// <summary>The rectangle, in SVG coordinates, inside the axes where the data are drawn.</summary>
internal readonly record struct PlotArea(double Left, double Top, double Right, double Bottom)
{
    public double Width => Right - Left;

    public double Height => Bottom - Top;

    public double CenterX => (Left + Right) / 2;

    public double CenterY => (Top + Bottom) / 2;
}
