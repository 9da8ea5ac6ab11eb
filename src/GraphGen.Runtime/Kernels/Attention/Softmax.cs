namespace GraphGen.Kernels;

/// <summary>Row-wise softmax over the last axis of a [rows, cols] matrix.</summary>
public static class Softmax
{
    /// <summary>y[r, j] = exp(x[r, j] − max_r) / Σ_j exp(x[r, j] − max_r). Subtracting the row maximum keeps exp from overflowing.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * cols, cols);
            var yr = y.Slice(r * cols, cols);
            float max = float.NegativeInfinity;
            foreach (float v in xr) max = MathF.Max(max, v);
            float sum = 0f;
            for (int j = 0; j < cols; j++)
            {
                yr[j] = MathF.Exp(xr[j] - max);
                sum += yr[j];
            }
            float inv = 1f / sum;
            for (int j = 0; j < cols; j++) yr[j] *= inv;
        }
    }

    /// <summary>dx[r, j] (+)= y[r, j] · (dy[r, j] − Σ_i dy[r, i]·y[r, i]): the softmax Jacobian-vector product.</summary>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * cols, cols);
            var dyr = dy.Slice(r * cols, cols);
            var dxr = dx.Slice(r * cols, cols);
            float dot = 0f;
            for (int j = 0; j < cols; j++) dot += dyr[j] * yr[j];
            for (int j = 0; j < cols; j++)
            {
                float g = yr[j] * (dyr[j] - dot);
                dxr[j] = accumulate ? dxr[j] + g : g;
            }
        }
    }
}
