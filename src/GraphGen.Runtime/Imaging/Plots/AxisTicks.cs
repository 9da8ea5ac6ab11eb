namespace GraphGen.Imaging;

/// <summary>
/// An axis's extent and tick marks: the axis runs from <see cref="Min"/> to <see cref="Max"/>
/// (the data range widened to whole steps), with labelled ticks at <see cref="Values"/> and
/// unlabelled minor ticks at <see cref="Minor"/> (2×…9× each decade on a log axis).
/// </summary>
public sealed record AxisTicks(
    double Min,
    double Max,
    IReadOnlyList<double> Values,
    IReadOnlyList<string> Labels,
    IReadOnlyList<double> Minor,
    bool IsLog);
