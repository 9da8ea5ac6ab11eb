namespace GraphGen.Imaging;

public sealed partial class ColorMap
{
    /// <summary>
    /// Matplotlib's viridis (van der Walt and Smith, CC0): perceptually uniform, lightness
    /// rising monotonically from dark purple to yellow, readable in grayscale and by readers
    /// with the common colour-vision deficiencies. The stops are every 8th entry of its
    /// 256-entry table (and the last), at position index / 255; linear interpolation between
    /// them stays within about one byte of the full table.
    /// </summary>
    public static ColorMap Viridis { get; } = new("viridis",
    [
        new(0 / 255.0, 0.267004, 0.004874, 0.329415),
        new(8 / 255.0, 0.277018, 0.050344, 0.375715),
        new(16 / 255.0, 0.282327, 0.094955, 0.417331),
        new(24 / 255.0, 0.282884, 0.135920, 0.453427),
        new(32 / 255.0, 0.278826, 0.175490, 0.483397),
        new(40 / 255.0, 0.270595, 0.214069, 0.507052),
        new(48 / 255.0, 0.258965, 0.251537, 0.524736),
        new(56 / 255.0, 0.244972, 0.287675, 0.537260),
        new(64 / 255.0, 0.229739, 0.322361, 0.545706),
        new(72 / 255.0, 0.214298, 0.355619, 0.551184),
        new(80 / 255.0, 0.199430, 0.387607, 0.554642),
        new(88 / 255.0, 0.185556, 0.418570, 0.556753),
        new(96 / 255.0, 0.172719, 0.448791, 0.557885),
        new(104 / 255.0, 0.160665, 0.478540, 0.558115),
        new(112 / 255.0, 0.149039, 0.508051, 0.557250),
        new(120 / 255.0, 0.137770, 0.537492, 0.554906),
        new(128 / 255.0, 0.127568, 0.566949, 0.550556),
        new(136 / 255.0, 0.120565, 0.596422, 0.543611),
        new(144 / 255.0, 0.120638, 0.625828, 0.533488),
        new(152 / 255.0, 0.132268, 0.655014, 0.519661),
        new(160 / 255.0, 0.157851, 0.683765, 0.501686),
        new(168 / 255.0, 0.196571, 0.711827, 0.479221),
        new(176 / 255.0, 0.246070, 0.738910, 0.452024),
        new(184 / 255.0, 0.304148, 0.764704, 0.419943),
        new(192 / 255.0, 0.369214, 0.788888, 0.382914),
        new(200 / 255.0, 0.440137, 0.811138, 0.340967),
        new(208 / 255.0, 0.515992, 0.831158, 0.294279),
        new(216 / 255.0, 0.595839, 0.848717, 0.243329),
        new(224 / 255.0, 0.678489, 0.863742, 0.189503),
        new(232 / 255.0, 0.762373, 0.876424, 0.137064),
        new(240 / 255.0, 0.845561, 0.887322, 0.099702),
        new(248 / 255.0, 0.926106, 0.897330, 0.104071),
        new(255 / 255.0, 0.993248, 0.906157, 0.143936),
    ]);

    /// <summary>
    /// A diverging map for signed values: dark blue for the most negative, near-white at the
    /// middle (zero, given a symmetric range), dark red for the most positive. The stops are
    /// ColorBrewer's 11-class RdBu (Brewer, Apache-2.0) in reverse, so that blue is negative,
    /// with the light ends chosen so equal |t − ½| looks equally strong on both sides.
    /// </summary>
    public static ColorMap BlueWhiteRed { get; } = new("blue-white-red",
    [
        ColorStop.FromHex(0.0, "#053061"),
        ColorStop.FromHex(0.1, "#2166ac"),
        ColorStop.FromHex(0.2, "#4393c3"),
        ColorStop.FromHex(0.3, "#92c5de"),
        ColorStop.FromHex(0.4, "#d1e5f0"),
        ColorStop.FromHex(0.5, "#f7f7f7"),
        ColorStop.FromHex(0.6, "#fddbc7"),
        ColorStop.FromHex(0.7, "#f4a582"),
        ColorStop.FromHex(0.8, "#d6604d"),
        ColorStop.FromHex(0.9, "#b2182b"),
        ColorStop.FromHex(1.0, "#67001f"),
    ], isDiverging: true);

    /// <summary>Black to white, for images that are gray by nature, such as digits.</summary>
    public static ColorMap Grays { get; } = new("grays", [new(0, 0, 0, 0), new(1, 1, 1, 1)]);
}
