namespace GraphGen.Imaging;

/// <summary>
/// How the i-th series is drawn: matplotlib's "tab10" colours, which stay distinct from one
/// another for most readers; past ten series the colours repeat with a dash pattern.
/// </summary>
internal readonly record struct SeriesStyle(string Color, string? Dash)
{
    private static readonly string[] Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private static readonly string?[] Dashes = [null, "6 3", "2 2", "8 3 2 3"];

    public static SeriesStyle Of(int index) =>
        new(Palette[index % Palette.Length], Dashes[index / Palette.Length % Dashes.Length]);
}
