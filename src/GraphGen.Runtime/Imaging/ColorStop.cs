namespace GraphGen.Imaging;

/// <summary>
/// One control point of a <see cref="ColorMap"/>: at <paramref name="Position"/> in [0, 1] the
/// map has the colour (<paramref name="Red"/>, <paramref name="Green"/>, <paramref name="Blue"/>),
/// each channel in [0, 1] and kept as a double so that interpolation loses nothing before
/// the final rounding to bytes.
/// </summary>
public readonly record struct ColorStop(double Position, double Red, double Green, double Blue)
{
    /// <summary>The stop's colour rounded to bytes.</summary>
    public Color Color => new(Image.ToByte(Red), Image.ToByte(Green), Image.ToByte(Blue));

    internal static ColorStop FromHex(double position, string hex)
    {
        var c = Color.FromHex(hex);
        return new ColorStop(position, c.R / 255.0, c.G / 255.0, c.B / 255.0);
    }
}
