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
/// The CPU's arithmetic, in double as there. One warp per row (<see cref="WarpRows"/>) computes its
/// statistics, its outputs or its dx, the row's sums over the lanes' strided columns and then a
/// butterfly: the order differs from the CPU's vector lanes only in a double's last bits, which the
/// rounding to float almost always hides. dγ and dβ are summed over the rows in the CPU's order:
/// fixed slices of rows (chosen from the row count alone, as on the CPU), one thread per slice and
/// column adding its rows in order, then one thread per column adding the slices in order. So the
/// parameter gradients are the CPU's bits whenever the row statistics are, and every launch gives
/// the same bits.
/// </remarks>
public static class LayerNorm
{
    private static readonly Action<RowArgs> ForwardMethod = ForwardKernel;
    private static readonly Action<RowArgs> BackwardRowsMethod = BackwardRowKernel;
    private static readonly Action<Index1D, RowArgs, ArrayView<double>, int> SlicePartialsMethod = SlicePartialsKernel;
    private static readonly Action<Index1D, RowArgs, ArrayView<double>, int> ParameterGradientsMethod = ParameterGradientKernel;

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
        device.Kernel(ForwardMethod.Method, a => a.LoadStreamKernel(ForwardMethod))(WarpRows.Config(device, rows), args);
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
        if (rows > 0) device.Kernel(BackwardRowsMethod.Method, a => a.LoadStreamKernel(BackwardRowsMethod))(WarpRows.Config(device, rows), args);
        if (dgamma.Length > 0 || dbeta.Length > 0)
        {
            int slices = Math.Max(1, Math.Min(rows, MaxSlices));
            // partials[0, slice, j] = Σ_slice dy·x̂, partials[1, slice, j] = Σ_slice dy.
            var partials = device.DoubleScratch(2L * slices * cols);
            device.Kernel(SlicePartialsMethod.Method, a => a.LoadAutoGroupedStreamKernel(SlicePartialsMethod))(slices * cols, args, partials, slices);
            device.Kernel(ParameterGradientsMethod.Method, a => a.LoadAutoGroupedStreamKernel(ParameterGradientsMethod))(cols, args, partials, slices);
        }
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

    /// <summary>
    /// One row per warp: μ and invstd in double (each lane adds its columns in order, then the
    /// butterfly), saved as floats, then y = (float)(x̂·γ + β).
    /// </summary>
    private static void ForwardKernel(RowArgs a)
    {
        int r = WarpRows.Row;
        if (r >= a.Rows) return;
        long start = (long)r * a.Cols;
        double sum = 0;
        for (int j = Warp.LaneIdx; j < a.Cols; j += Warp.WarpSize) sum += a.X[start + j];
        double mean = WarpRows.Sum(sum) / a.Cols, squares = 0;
        for (int j = Warp.LaneIdx; j < a.Cols; j += Warp.WarpSize)
        {
            double d = a.X[start + j] - mean;
            squares += d * d;
        }
        double invStd = 1.0 / Math.Sqrt(WarpRows.Sum(squares) / a.Cols + a.Epsilon);
        if (Warp.IsFirstLane)
        {
            a.Mean[r] = (float)mean;
            a.InvStd[r] = (float)invStd;
        }
        for (int j = Warp.LaneIdx; j < a.Cols; j += Warp.WarpSize)
            a.Out[start + j] = (float)((a.X[start + j] - mean) * invStd * a.GammaOf(j) + a.BetaOf(j));
    }

    /// <summary>
    /// One row per warp: Σ g and Σ g·(x − μ) with g = dy·γ, then dx (+)= (float)(a·g + b·x̂ + c) with
    /// a = invstd, b = −invstd/n·Σ g·x̂, c = −invstd/n·Σ g.
    /// </summary>
    private static void BackwardRowKernel(RowArgs a)
    {
        int r = WarpRows.Row;
        if (r >= a.Rows) return;
        long start = (long)r * a.Cols;
        double mean = a.Mean[r], invStd = a.InvStd[r], sumG = 0, sumGCentered = 0;
        for (int j = Warp.LaneIdx; j < a.Cols; j += Warp.WarpSize)
        {
            double g = (double)a.Dy[start + j] * a.GammaOf(j);
            sumG += g;
            sumGCentered += g * (a.X[start + j] - mean);
        }
        sumG = WarpRows.Sum(sumG);
        sumGCentered = WarpRows.Sum(sumGCentered);
        double k = invStd / a.Cols, cb = -k * (sumGCentered * invStd), cc = -k * sumG;
        for (int j = Warp.LaneIdx; j < a.Cols; j += Warp.WarpSize)
        {
            long i = start + j;
            double xhat = (a.X[i] - mean) * invStd;
            float dx = (float)(invStd * ((double)a.Dy[i] * a.GammaOf(j)) + cb * xhat + cc);
            a.Out[i] = a.Accumulate != 0 ? a.Out[i] + dx : dx;
        }
    }

    /// <summary>
    /// Slice s, column j (thread s·cols + j, so a warp reads one row's columns together): Σ dy·x̂
    /// and Σ dy over the slice's rows in row order, the slices fixed by the row count as on the CPU.
    /// </summary>
    private static void SlicePartialsKernel(Index1D t, RowArgs a, ArrayView<double> partials, int slices)
    {
        int slice = t / a.Cols, j = t % a.Cols;
        int r0 = (int)((long)a.Rows * slice / slices), r1 = (int)((long)a.Rows * (slice + 1) / slices);
        double gammaPart = 0, betaPart = 0;
        int r = r0;
        // Four rows' loads issued before their adds (the adds stay in row order): a chain of 256 rows
        // that waits on each load in turn took ~60 µs on an H200, most of TinyGpt's dγ time.
        for (; r + 4 <= r1; r += 4)
        {
            long i0 = (long)r * a.Cols + j, i1 = i0 + a.Cols, i2 = i1 + a.Cols, i3 = i2 + a.Cols;
            float dy0 = a.Dy[i0], dy1 = a.Dy[i1], dy2 = a.Dy[i2], dy3 = a.Dy[i3];
            float x0 = a.X[i0], x1 = a.X[i1], x2 = a.X[i2], x3 = a.X[i3];
            float m0 = a.Mean[r], m1 = a.Mean[r + 1], m2 = a.Mean[r + 2], m3 = a.Mean[r + 3];
            float s0 = a.InvStd[r], s1 = a.InvStd[r + 1], s2 = a.InvStd[r + 2], s3 = a.InvStd[r + 3];
            AddRow(ref gammaPart, ref betaPart, dy0, x0, m0, s0);
            AddRow(ref gammaPart, ref betaPart, dy1, x1, m1, s1);
            AddRow(ref gammaPart, ref betaPart, dy2, x2, m2, s2);
            AddRow(ref gammaPart, ref betaPart, dy3, x3, m3, s3);
        }
        for (; r < r1; r++)
        {
            long i = (long)r * a.Cols + j;
            AddRow(ref gammaPart, ref betaPart, a.Dy[i], a.X[i], a.Mean[r], a.InvStd[r]);
        }
        partials[t] = gammaPart;
        partials[(long)slices * a.Cols + t] = betaPart;
    }

    /// <summary>One row's terms of dγ_j and dβ_j: dy·x̂ and dy, in double (the CPU's expression).</summary>
    private static void AddRow(ref double gammaPart, ref double betaPart, float dy, float x, float mean, float invStd)
    {
        double d = dy;
        gammaPart += d * ((x - (double)mean) * invStd);
        betaPart += d;
    }

    /// <summary>Column j: dγ_j and dβ_j (+)= the slices' partial sums added in slice order.</summary>
    private static void ParameterGradientKernel(Index1D j, RowArgs a, ArrayView<double> partials, int slices)
    {
        double sumGamma = 0, sumBeta = 0;
        for (int slice = 0; slice < slices; slice++)
        {
            sumGamma += partials[(long)slice * a.Cols + j];
            sumBeta += partials[(long)(slices + slice) * a.Cols + j];
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
