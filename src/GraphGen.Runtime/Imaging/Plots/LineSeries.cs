namespace GraphGen.Imaging;

/// <summary>One named curve of a <see cref="LinePlot"/>: points (X[i], Y[i]) joined in order.</summary>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Markers);
