namespace GraphGen.Imaging;

/// <summary>
/// Applies and reverses PNG row filters. Bytes are compared with the byte one pixel to the
/// left (bpp bytes earlier) and with the same byte of the previous row, which is all zeros
/// above the first row. All arithmetic is modulo 256.
/// </summary>
internal static class PngRowFilters
{
    /// <summary>Writes the filtered form of <paramref name="row"/> to <paramref name="filtered"/> (same length).</summary>
    public static void Apply(PngFilter filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> filtered)
    {
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int c = i >= bpp ? prior[i - bpp] : 0;
            filtered[i] = (byte)(row[i] - Predict(filter, a, prior[i], c));
        }
    }

    /// <summary>Turns a filtered row back into pixels, in place; <paramref name="prior"/> is the previous row already unfiltered.</summary>
    public static void Reverse(PngFilter filter, Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        // Left to right, so that a (the byte to the left) is already reconstructed.
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int c = i >= bpp ? prior[i - bpp] : 0;
            row[i] = (byte)(row[i] + Predict(filter, a, prior[i], c));
        }
    }

    /// <summary>
    /// Chooses a filter for one row by the heuristic of the PNG specification (§12.8) and of
    /// libpng: the filter whose output, read as signed bytes, has the smallest sum of absolute
    /// values. Small residuals deflate well. Ties go to the lower filter number, so the choice
    /// is deterministic.
    /// </summary>
    public static PngFilter Choose(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> scratch)
    {
        var best = PngFilter.None;
        long bestCost = long.MaxValue;
        for (var filter = PngFilter.None; filter <= PngFilter.Paeth; filter++)
        {
            Apply(filter, row, prior, bpp, scratch);
            long cost = 0;
            foreach (byte b in scratch) cost += Math.Abs((int)(sbyte)b);
            if (cost < bestCost) (best, bestCost) = (filter, cost);
        }
        return best;
    }

    private static int Predict(PngFilter filter, int a, int b, int c) => filter switch
    {
        PngFilter.None => 0,
        PngFilter.Sub => a,
        PngFilter.Up => b,
        PngFilter.Average => (a + b) >> 1,
        PngFilter.Paeth => Paeth(a, b, c),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "PNG defines filter types 0 to 4."),
    };

    /// <summary>
    /// Paeth's predictor: estimate p = a + b − c (a plane through the three neighbours), then
    /// pick the neighbour closest to p, preferring a, then b, then c on ties, as the
    /// specification orders them.
    /// </summary>
    internal static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }
}
