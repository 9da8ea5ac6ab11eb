namespace GraphGen.Imaging;

/// <summary>
/// PNG's five row filters (PNG specification §9.2). Each predicts a byte from its neighbours
/// to the left (a), above (b) and above-left (c), and stores the difference modulo 256, which
/// deflate then compresses better than raw pixels. The values are the filter-type bytes that
/// start each row in the file.
/// </summary>
public enum PngFilter : byte
{
    /// <summary>The byte itself.</summary>
    None = 0,

    /// <summary>x − a: suits horizontal gradients and flat runs.</summary>
    Sub = 1,

    /// <summary>x − b: suits rows that repeat the row above.</summary>
    Up = 2,

    /// <summary>x − ⌊(a + b) / 2⌋.</summary>
    Average = 3,

    /// <summary>x − whichever of a, b, c is closest to a + b − c (Paeth's predictor).</summary>
    Paeth = 4,
}
