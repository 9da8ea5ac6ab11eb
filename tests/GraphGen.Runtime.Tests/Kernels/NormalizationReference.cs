namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>Batch and layer normalisation written as their definitions, in double.</summary>
internal static class NormalizationReference
{
    /// <summary>Training-mode batch norm of x [batch, channels, spatial]: y, μ, biased σ² per channel.</summary>
    public static (double[] Y, double[] Mean, double[] Variance) BatchNorm(int batch, int channels, int spatial, double[] x,
        double[]? gamma, double[]? beta, double epsilon)
    {
        var y = new double[x.Length];
        var means = new double[channels];
        var variances = new double[channels];
        int n = batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            var values = Enumerable.Range(0, n).Select(k => x[(k / spatial * channels + c) * spatial + k % spatial]).ToArray();
            double mean = values.Average();
            double variance = values.Sum(v => (v - mean) * (v - mean)) / n;
            means[c] = mean;
            variances[c] = variance;
            for (int k = 0; k < n; k++)
            {
                int at = (k / spatial * channels + c) * spatial + k % spatial;
                y[at] = (gamma?[c] ?? 1) * (x[at] - mean) / Math.Sqrt(variance + epsilon) + (beta?[c] ?? 0);
            }
        }
        return (y, means, variances);
    }

    /// <summary>Layer norm of each row of x [rows, cols].</summary>
    public static double[] LayerNorm(int rows, int cols, double[] x, double[]? gamma, double[]? beta, double epsilon)
    {
        var y = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = x.Skip(r * cols).Take(cols).ToArray();
            double mean = row.Average();
            double variance = row.Sum(v => (v - mean) * (v - mean)) / cols;
            for (int j = 0; j < cols; j++)
                y[r * cols + j] = (gamma?[j] ?? 1) * (row[j] - mean) / Math.Sqrt(variance + epsilon) + (beta?[j] ?? 0);
        }
        return y;
    }
}
