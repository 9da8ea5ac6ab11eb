namespace GraphGen.Kernels;

/// <summary>The two halves of a bias: broadcast over rows (forward) and summed over rows (backward).</summary>
public static class Bias
{
    /// <summary>y[r, j] += bias[j] for every row r.</summary>
    public static void AddToRows(Span<float> y, ReadOnlySpan<float> bias, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * cols, cols);
            for (int j = 0; j < cols; j++) yr[j] += bias[j];
        }
    }

    /// <summary>dbias[j] (+)= Σ_r dy[r, j]: the gradient of a broadcast is the sum over the broadcast axis.</summary>
    public static void SumRows(ReadOnlySpan<float> dy, Span<float> dbias, int rows, int cols, bool accumulate)
    {
        if (!accumulate) dbias.Slice(0, cols).Clear();
        for (int r = 0; r < rows; r++)
        {
            var dyr = dy.Slice(r * cols, cols);
            for (int j = 0; j < cols; j++) dbias[j] += dyr[j];
        }
    }
}
