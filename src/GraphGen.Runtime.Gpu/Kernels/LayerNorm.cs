using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// Layer normalisation on the device (the CPU's <c>GraphGen.Kernels.LayerNorm</c>: PyTorch's
/// <c>LayerNorm</c> over the last axis) of each row of x [rows, cols]:
/// <code>
/// forward   μ = Σ_j x_j / n,  σ² = Σ_j (x_j − μ)² / n (biased),  invstd = 1/√(σ² + ε),  n = cols
///           x̂_j = (x_j − μ)·invstd,  y_j = γ_j·x̂_j + β_j
/// backward  g_j = dy_j·γ_j
///           dx_j = invstd/n · (n·g_j − Σ_k g_k − x̂_j·Σ_k g_k·x̂_k)
///           dγ_j = Σ_rows dy_j·x̂_j,  dβ_j = Σ_rows dy_j
/// </code>
/// gamma and beta may both be empty (elementwise_affine = false), and then dgamma and dbeta too.
/// </summary>
/// <remarks>
/// The CPU's arithmetic, in double as there. One thread per row computes its statistics (adding the
/// row in order), its outputs or its dx; one thread per column sums dγ and dβ over the rows in the
/// CPU's order (fixed slices of rows, each summed in row order, then the slices in order), so the
/// parameter gradients are the CPU's bits whenever the row statistics are, and every launch gives
/// the same bits. The CPU adds a row in vector lanes: its row sums differ in the last bits of a
/// double, which the rounding to float almost always hides.
/// </remarks>
public static class LayerNorm
{
    private static readonly Action<Index1D, RowArgs> ForwardMethod = ForwardKernel;
    private static readonly Action<Index1D, RowArgs> BackwardRowsMethod = BackwardRowKernel;
    private static readonly Action<Index1D, RowArgs> ParameterGradientsMethod = ParameterGradientKernel;

    /// <summary>The CPU's slices of rows for dγ and dβ: at most this many (<c>GraphGen.Kernels.LayerNorm</c>'s MaxSlices).</summary>
    private const int MaxSlices = 8;

    /// <summary>y = γ·(x − μ)·invstd + β over each of <paramref name="rows"/> rows of <paramref name="cols"/>; keeps μ and invstd per row for the backward pass.</summary>
    public static void Forward(GpuDevice device, int rows, int cols, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> y, ArrayView<float> savedMean, ArrayView<float> savedInvStd, float epsilon = 1e-5f)
    {
        const string Kernel = "LayerNorm.Forward";
        Check(rows, cols, Kernel, x.Length, y.Length, nameof(y), savedMean.Length, savedInvStd.Length);
        KernelChecks.EmptyOrExactly(Length(gamma.Length), cols, Kernel, nameof(gamma), "[cols]");
        KernelChecks.EmptyOrExactly(Length(beta.Length), cols, Kernel, nameof(beta), "[cols]");
        if ((gamma.Length == 0) != (beta.Length == 0))
            throw new ArgumentException($"{Kernel}: gamma and beta must both be given (affine) or both be empty.", nameof(beta));
        if (!(epsilon > 0f))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{Kernel}: epsilon must be positive.");
        if (rows == 0) return;
        var args = new RowArgs(rows, cols, epsilon, false, x, gamma, beta, y, savedMean, savedInvStd, default, default, default);
        device.Kernel(ForwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(ForwardMethod))(rows, args);
    }

    /// <summary>dx, dgamma and dbeta (+)= the gradients above, from x and the saved statistics of <see cref="Forward"/>.</summary>
    public static void Backward(GpuDevice device, int rows, int cols, ArrayView<float> dy, ArrayView<float> x, ArrayView<float> gamma,
        ArrayView<float> savedMean, ArrayView<float> savedInvStd, ArrayView<float> dx, ArrayView<float> dgamma, ArrayView<float> dbeta, bool accumulate)
    {
        const string Kernel = "LayerNorm.Backward";
        Check(rows, cols, Kernel, x.Length, dx.Length, nameof(dx), savedMean.Length, savedInvStd.Length);
        KernelChecks.Length(Length(dy.Length), Kernel, nameof(dy), "[rows, cols]", rows, cols);
        KernelChecks.EmptyOrExactly(Length(gamma.Length), cols, Kernel, nameof(gamma), "[cols]");
        KernelChecks.EmptyOrExactly(Length(dgamma.Length), cols, Kernel, nameof(dgamma), "[cols]");
        KernelChecks.EmptyOrExactly(Length(dbeta.Length), cols, Kernel, nameof(dbeta), "[cols]");
        var args = new RowArgs(rows, cols, 0f, accumulate, x, gamma, default, dx, savedMean, savedInvStd, dy, dgamma, dbeta);
        if (rows > 0) device.Kernel(BackwardRowsMethod.Method, a => a.LoadAutoGroupedStreamKernel(BackwardRowsMethod))(rows, args);
        if (dgamma.Length > 0 || dbeta.Length > 0)
            device.Kernel(ParameterGradientsMethod.Method, a => a.LoadAutoGroupedStreamKernel(ParameterGradientsMethod))(cols, args);
    }

    /// <summary>A pass's operands and sizes as one kernel parameter; Out is y (forward) or dx (backward).</summary>
    internal readonly struct RowArgs(int rows, int cols, float epsilon, bool accumulate, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> output, ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> dy, ArrayView<float> dgamma, ArrayView<float> dbeta)
    {
        public readonly int Rows = rows, Cols = cols, Accumulate = accumulate ? 1 : 0;
        public readonly int HasGamma = gamma.Length > 0 ? 1 : 0, HasBeta = beta.Length > 0 ? 1 : 0;
        public readonly int HasDGamma = dgamma.Length > 0 ? 1 : 0, HasDBeta = dbeta.Length > 0 ? 1 : 0;
        public readonly float Epsilon = epsilon;
        public readonly ArrayView<float> X = x, Gamma = gamma, Beta = beta, Out = output, Mean = mean, InvStd = invStd, Dy = dy, DGamma = dgamma, DBeta = dbeta;

        public float GammaOf(int j) => HasGamma != 0 ? Gamma[j] : 1f;

        public float BetaOf(int j) => HasBeta != 0 ? Beta[j] : 0f;
    }

    /// <summary>Row r: μ and invstd in double (the row added in order), saved as floats, then y = (float)(x̂·γ + β).</summary>
    private static void ForwardKernel(Index1D r, RowArgs a)
    {
        int start = r * a.Cols;
        double sum = 0;
        for (int j = 0; j < a.Cols; j++) sum += a.X[start + j];
        double mean = sum / a.Cols, squares = 0;
        for (int j = 0; j < a.Cols; j++)
        {
            double d = a.X[start + j] - mean;
            squares += d * d;
        }
        double invStd = 1.0 / Math.Sqrt(squares / a.Cols + a.Epsilon);
        a.Mean[r] = (float)mean;
        a.InvStd[r] = (float)invStd;
        for (int j = 0; j < a.Cols; j++)
            a.Out[start + j] = (float)((a.X[start + j] - mean) * invStd * a.GammaOf(j) + a.BetaOf(j));
    }

    /// <summary>Row r: Σ g and Σ g·(x − μ) with g = dy·γ, then dx (+)= (float)(a·g + b·x̂ + c) with a = invstd, b = −invstd/n·Σ g·x̂, c = −invstd/n·Σ g.</summary>
    private static void BackwardRowKernel(Index1D r, RowArgs a)
    {
        int start = r * a.Cols;
        double mean = a.Mean[r], invStd = a.InvStd[r], sumG = 0, sumGCentered = 0;
        for (int j = 0; j < a.Cols; j++)
        {
            double g = (double)a.Dy[start + j] * a.GammaOf(j);
            sumG += g;
            sumGCentered += g * (a.X[start + j] - mean);
        }
        double k = invStd / a.Cols, cb = -k * (sumGCentered * invStd), cc = -k * sumG;
        for (int j = 0; j < a.Cols; j++)
        {
            int i = start + j;
            double xhat = (a.X[i] - mean) * invStd;
            float dx = (float)(invStd * ((double)a.Dy[i] * a.GammaOf(j)) + cb * xhat + cc);
            a.Out[i] = a.Accumulate != 0 ? a.Out[i] + dx : dx;
        }
    }

    /// <summary>
    /// Column j: dγ_j = Σ dy·x̂ and dβ_j = Σ dy over the rows, each fixed slice of rows (chosen from
    /// the row count alone, as on the CPU) summed in row order, then the slices in order.
    /// </summary>
    private static void ParameterGradientKernel(Index1D j, RowArgs a)
    {
        int slices = Math.Max(1, Math.Min(a.Rows, MaxSlices));
        double sumGamma = 0, sumBeta = 0;
        for (int slice = 0; slice < slices; slice++)
        {
            int r0 = (int)((long)a.Rows * slice / slices), r1 = (int)((long)a.Rows * (slice + 1) / slices);
            double gammaPart = 0, betaPart = 0;
            for (int r = r0; r < r1; r++)
            {
                int i = r * a.Cols + j;
                double d = a.Dy[i];
                gammaPart += d * ((a.X[i] - (double)a.Mean[r]) * a.InvStd[r]);
                betaPart += d;
            }
            sumGamma += gammaPart;
            sumBeta += betaPart;
        }
        if (a.HasDGamma != 0) a.DGamma[j] = a.Accumulate != 0 ? a.DGamma[j] + (float)sumGamma : (float)sumGamma;
        if (a.HasDBeta != 0) a.DBeta[j] = a.Accumulate != 0 ? a.DBeta[j] + (float)sumBeta : (float)sumBeta;
    }

    private static void Check(int rows, int cols, string kernel, long inputLength, long outputLength, string outputName, long meanLength, long invStdLength)
    {
        KernelChecks.NotLess(rows, 0, kernel, nameof(rows));
        KernelChecks.NotLess(cols, 1, kernel, nameof(cols));
        KernelChecks.Length(Length(inputLength), kernel, "x", "[rows, cols]", rows, cols);
        KernelChecks.Length(Length(outputLength), kernel, outputName, "[rows, cols]", rows, cols);
        KernelChecks.AtLeast(Length(meanLength), rows, kernel, "savedMean", "[rows]");
        KernelChecks.AtLeast(Length(invStdLength), rows, kernel, "savedInvStd", "[rows]");
    }

    private static int Length(long length) => (int)Math.Min(length, int.MaxValue);
}
