namespace GraphGen.Imaging;

/// <summary>One named set of bars of a <see cref="BarChart"/>: one value per category, NaN for no bar.</summary>
public sealed record BarSeries(string Name, IReadOnlyList<double> Values);
