namespace GraphGen.Kernels;

/// <summary>
/// Layer normalisation (PyTorch's <c>LayerNorm</c> over the last axis) of each row of x [rows, cols]:
/// <code>
/// forward   μ = Σ_j x_j / n,  σ² = Σ_j (x_j − μ)² / n (biased),  invstd = 1/√(σ² + ε),  n = cols
///           x̂_j = (x_j − μ)·invstd,  y_j = γ_j·x̂_j + β_j
/// backward  g_j = dy_j·γ_j
///           dx_j = invstd/n · (n·g_j − Σ_k g_k − x̂_j·Σ_k g_k·x̂_k)
///           dγ_j = Σ_rows dy_j·x̂_j,  dβ_j = Σ_rows dy_j
/// </code>
/// Row statistics and the parameter gradients' sums over rows are accumulated in double, in row
/// order. gamma and beta may both be empty (elementwise_affine = false), and then dgamma and dbeta too.
/// </summary>
public static class LayerNorm
{
    public static void Forward(int rows, int cols, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> savedMean, Span<float> savedInvStd, float epsilon = 1e-5f)
    {
        const string Kernel = "LayerNorm.Forward";
        Check(rows, cols, Kernel, x.Length, y.Length, nameof(y), savedMean.Length, savedInvStd.Length);
        KernelChecks.EmptyOrExactly(gamma.Length, cols, Kernel, nameof(gamma), "[cols]");
        KernelChecks.EmptyOrExactly(beta.Length, cols, Kernel, nameof(beta), "[cols]");
        if (gamma.IsEmpty != beta.IsEmpty)
            throw new ArgumentException($"{Kernel}: gamma and beta must both be given (affine) or both be empty.", nameof(beta));
        if (!(epsilon > 0f))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{Kernel}: epsilon must be positive.");
        var ws = KernelWorkspace.ForCurrentThread();
        var g = gamma.IsEmpty ? ws.Ones(cols) : gamma;
        var b = beta.IsEmpty ? Zeros(ws, cols) : beta;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * cols, cols);
            double mean = NormalizationMath.Sum(xr) / cols;
            double invStd = 1.0 / Math.Sqrt(NormalizationMath.SumSquares(xr, mean) / cols + epsilon);
            savedMean[r] = (float)mean;
            savedInvStd[r] = (float)invStd;
            NormalizationMath.AffineRow(xr, y.Slice(r * cols, cols), mean, invStd, g, b);
        }
    }

    /// <summary>dx, dgamma and dbeta (+)= the gradients above, from x and the saved statistics of <see cref="Forward"/>.</summary>
    public static void Backward(int rows, int cols, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd, Span<float> dx, Span<float> dgamma, Span<float> dbeta, bool accumulate)
    {
        const string Kernel = "LayerNorm.Backward";
        Check(rows, cols, Kernel, x.Length, dx.Length, nameof(dx), savedMean.Length, savedInvStd.Length);
        KernelChecks.Length(dy.Length, Kernel, nameof(dy), "[rows, cols]", rows, cols);
        KernelChecks.EmptyOrExactly(gamma.Length, cols, Kernel, nameof(gamma), "[cols]");
        KernelChecks.EmptyOrExactly(dgamma.Length, cols, Kernel, nameof(dgamma), "[cols]");
        KernelChecks.EmptyOrExactly(dbeta.Length, cols, Kernel, nameof(dbeta), "[cols]");
        var ws = KernelWorkspace.ForCurrentThread();
        var g = gamma.IsEmpty ? ws.Ones(cols) : gamma;
        var sums = ws.Doubles(2 * cols);
        sums.Clear();
        Span<double> sumGamma = sums.Slice(0, cols), sumBeta = sums.Slice(cols, cols);
        for (int r = 0; r < rows; r++)
        {
            var dyr = dy.Slice(r * cols, cols);
            var xr = x.Slice(r * cols, cols);
            double mean = savedMean[r], invStd = savedInvStd[r];
            var (sumG, sumGCentered) = NormalizationMath.RowSums(dyr, xr, g, mean);
            double sumGXhat = sumGCentered * invStd, k = invStd / cols;
            NormalizationMath.RowGradient(dyr, xr, g, dx.Slice(r * cols, cols), mean, invStd,
                invStd, -k * sumGXhat, -k * sumG, accumulate, sumGamma, sumBeta);
        }
        for (int j = 0; j < cols; j++)
        {
            if (!dgamma.IsEmpty) dgamma[j] = accumulate ? dgamma[j] + (float)sumGamma[j] : (float)sumGamma[j];
            if (!dbeta.IsEmpty) dbeta[j] = accumulate ? dbeta[j] + (float)sumBeta[j] : (float)sumBeta[j];
        }
    }

    private static ReadOnlySpan<float> Zeros(KernelWorkspace ws, int cols)
    {
        var zeros = ws.Staged(cols);
        zeros.Clear();
        return zeros;
    }

    private static void Check(int rows, int cols, string kernel, int inputLength, int outputLength, string outputName, int meanLength, int invStdLength)
    {
        KernelChecks.NotLess(rows, 0, kernel, nameof(rows));
        KernelChecks.NotLess(cols, 1, kernel, nameof(cols));
        KernelChecks.Length(inputLength, kernel, "x", "[rows, cols]", rows, cols);
        KernelChecks.Length(outputLength, kernel, outputName, "[rows, cols]", rows, cols);
        KernelChecks.AtLeast(meanLength, rows, kernel, "savedMean", "[rows]");
        KernelChecks.AtLeast(invStdLength, rows, kernel, "savedInvStd", "[rows]");
    }
}
