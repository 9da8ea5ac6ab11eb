namespace GraphGen.Imaging;

/// <summary>
/// A colour scale: <see cref="Map"/> takes t in [0, 1] to a colour by linear interpolation in
/// sRGB between control points. Use <see cref="Viridis"/> for magnitudes (activations, norms)
/// and <see cref="BlueWhiteRed"/> for signed values (saliency, perturbations) with zero in the middle.
/// </summary>
public sealed partial class ColorMap
{
    private readonly ColorStop[] _stops;

    /// <summary>
    /// A map through <paramref name="stops"/>, whose positions must start at 0, end at 1 and
    /// increase strictly, and whose channels must lie in [0, 1].
    /// </summary>
    public ColorMap(string name, IEnumerable<ColorStop> stops, bool isDiverging = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(stops);
        _stops = stops.ToArray();
        if (_stops.Length < 2 || _stops[0].Position != 0 || _stops[^1].Position != 1)
            throw new ArgumentException("A colour map needs at least two stops, the first at 0 and the last at 1.", nameof(stops));
        for (int i = 0; i < _stops.Length; i++)
        {
            var s = _stops[i];
            if (i > 0 && !(s.Position > _stops[i - 1].Position))
                throw new ArgumentException($"Stop positions must increase; stop {i} is at {s.Position}.", nameof(stops));
            if (!InUnit(s.Red) || !InUnit(s.Green) || !InUnit(s.Blue))
                throw new ArgumentException($"Stop {i} has a channel outside [0, 1].", nameof(stops));
        }
        Name = name;
        IsDiverging = isDiverging;
    }

    /// <summary>The map's name, e.g. "viridis".</summary>
    public string Name { get; }

    /// <summary>True when the middle of the map means zero, so data should span a range symmetric about it.</summary>
    public bool IsDiverging { get; }

    /// <summary>The control points, in order of position.</summary>
    public IReadOnlyList<ColorStop> Stops => _stops;

    /// <summary>
    /// The colour NaN maps to: magenta, which none of the built-in maps contains, so a NaN in
    /// a saliency map or weight matrix shows up instead of hiding among the data.
    /// </summary>
    public static Color Missing => new(255, 0, 255);

    /// <summary>The colour at <paramref name="t"/>; t is clamped to [0, 1], and NaN gives <see cref="Missing"/>.</summary>
    public Color Map(double t)
    {
        if (double.IsNaN(t)) return Missing;
        t = Math.Clamp(t, 0, 1);
        int hi = 1;
        while (hi < _stops.Length - 1 && _stops[hi].Position < t) hi++;
        var (a, b) = (_stops[hi - 1], _stops[hi]);
        double f = (t - a.Position) / (b.Position - a.Position);
        return new Color(
            Image.ToByte(a.Red + f * (b.Red - a.Red)),
            Image.ToByte(a.Green + f * (b.Green - a.Green)),
            Image.ToByte(a.Blue + f * (b.Blue - a.Blue)));
    }

    /// <summary>The map's <see cref="Name"/>.</summary>
    public override string ToString() => Name;

    private static bool InUnit(double v) => v >= 0 && v <= 1;
}
