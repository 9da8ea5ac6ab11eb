namespace GraphGen.Imaging;

/// <summary>
/// Estimates how much room text takes, to lay out margins and legends without a font engine.
/// The average advance of sans-serif fonts such as DejaVu Sans and Helvetica is close to
/// 0.6 em for mixed text and digits; erring slightly wide keeps labels from colliding.
/// </summary>
internal static class TextMetrics
{
    public const double TitleSize = 16;
    public const double LabelSize = 13;
    public const double TickSize = 11;

    public static double Width(string text, double size) => text.Length * 0.6 * size;

    public static double MaxWidth(IEnumerable<string> texts, double size) => texts.Select(t => Width(t, size)).DefaultIfEmpty(0).Max();
}
