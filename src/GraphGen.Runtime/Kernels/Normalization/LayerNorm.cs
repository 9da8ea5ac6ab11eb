using System.Runtime.CompilerServices;
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
/// order (dγ and dβ per fixed slice of rows, then the slices in order; rows run in parallel on the
/// worker pool, with the same bits for every thread count). gamma and beta may both be empty (elementwise_affine = false), and then dgamma and dbeta too.
/// </summary>
public static class LayerNorm
{
    /// <summary>y = γ·(x − μ)·invstd + β over each of <paramref name="rows"/> rows of <paramref name="cols"/>; keeps μ and invstd per row for the backward pass.</summary>
    public static unsafe void Forward(int rows, int cols, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
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
        if (rows == 0) return;
        fixed (float* px = x, pg = g, pb = b, py = y, pm = savedMean, ps = savedInvStd)
        {
            var work = RowsWork.ForCurrentThread();
            work.Forward = true;
            work.Rows = rows; work.Cols = cols; work.Epsilon = epsilon;
            work.X = px; work.Gamma = pg; work.Beta = pb; work.Out = py; work.Mean = pm; work.InvStd = ps;
            int threads = Threads(rows, cols);
            int parts = Math.Min(rows, threads * WorkerPool.PartsPerThread);
            work.RowsPerPart = (rows + parts - 1) / parts;
            WorkerPool.Run(work, (rows + work.RowsPerPart - 1) / work.RowsPerPart, threads);
        }
    }

    /// <summary>Rows r0..r1−1 of the forward pass: statistics in double, then the affine row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ForwardRows(RowsWork w, int r0, int r1)
    {
        int cols = w.Cols;
        var g = new ReadOnlySpan<float>(w.Gamma, cols);
        var b = new ReadOnlySpan<float>(w.Beta, cols);
        int r = r0;
        // Two rows at a time: their statistics' add chains overlap (the same bits as one at a time).
        for (; r + 1 < r1; r += 2)
        {
            var x0 = new ReadOnlySpan<float>(w.X + (nint)r * cols, cols);
            var x1 = new ReadOnlySpan<float>(w.X + (nint)(r + 1) * cols, cols);
            NormalizationMath.RowStatistics2(x0, x1, w.Epsilon, out double mean0, out double invStd0, out double mean1, out double invStd1);
            w.Mean[r] = (float)mean0; w.InvStd[r] = (float)invStd0;
            w.Mean[r + 1] = (float)mean1; w.InvStd[r + 1] = (float)invStd1;
            NormalizationMath.AffineRow(x0, new Span<float>(w.Out + (nint)r * cols, cols), mean0, invStd0, g, b);
            NormalizationMath.AffineRow(x1, new Span<float>(w.Out + (nint)(r + 1) * cols, cols), mean1, invStd1, g, b);
        }
        for (; r < r1; r++)
        {
            var xr = new ReadOnlySpan<float>(w.X + (nint)r * cols, cols);
            double mean = NormalizationMath.Sum(xr) / cols;
            double invStd = 1.0 / Math.Sqrt(NormalizationMath.SumSquares(xr, mean) / cols + w.Epsilon);
            w.Mean[r] = (float)mean;
            w.InvStd[r] = (float)invStd;
            NormalizationMath.AffineRow(xr, new Span<float>(w.Out + (nint)r * cols, cols), mean, invStd, g, b);
        }
    }

    /// <summary>dx, dgamma and dbeta (+)= the gradients above, from x and the saved statistics of <see cref="Forward"/>.</summary>
    public static unsafe void Backward(int rows, int cols, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
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
        // Fixed slices of rows, chosen from the row count alone, each with its own running sums of
        // dγ and dβ (in double, in row order); the slices are then added in slice order. So the bits
        // do not depend on how many threads ran the slices.
        int slices = Math.Clamp(rows, 1, MaxSlices);
        var sums = ws.Doubles(slices * 2 * cols);
        sums.Clear();
        fixed (float* pdy = dy, px = x, pg = g, pdx = dx, pm = savedMean, ps = savedInvStd)
        fixed (double* psums = sums)
        {
            var work = RowsWork.ForCurrentThread();
            work.Forward = false;
            work.Rows = rows; work.Cols = cols; work.Accumulate = accumulate; work.Slices = slices;
            work.X = px; work.Gamma = pg; work.Dy = pdy; work.Out = pdx; work.Mean = pm; work.InvStd = ps; work.Sums = psums;
            WorkerPool.Run(work, slices, Threads(rows, cols));
        }
        for (int j = 0; j < cols; j++)
        {
            double sumGamma = 0, sumBeta = 0;
            for (int slice = 0; slice < slices; slice++)
            {
                sumGamma += sums[slice * 2 * cols + j];
                sumBeta += sums[slice * 2 * cols + cols + j];
            }
            if (!dgamma.IsEmpty) dgamma[j] = accumulate ? dgamma[j] + (float)sumGamma : (float)sumGamma;
            if (!dbeta.IsEmpty) dbeta[j] = accumulate ? dbeta[j] + (float)sumBeta : (float)sumBeta;
        }
    }

    /// <summary>Slice <paramref name="slice"/> of the backward pass: dx of its rows and its own sums of dγ, dβ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void BackwardSlice(RowsWork w, int slice)
    {
        int cols = w.Cols;
        var (r0, r1) = FixedSlices.Bounds(w.Rows, w.Slices, slice);
        var g = new ReadOnlySpan<float>(w.Gamma, cols);
        var sumGamma = new Span<double>(w.Sums + (nint)slice * 2 * cols, cols);
        var sumBeta = new Span<double>(w.Sums + (nint)slice * 2 * cols + cols, cols);
        for (int r = r0; r < r1; r++)
        {
            var dyr = new ReadOnlySpan<float>(w.Dy + (nint)r * cols, cols);
            var xr = new ReadOnlySpan<float>(w.X + (nint)r * cols, cols);
            double mean = w.Mean[r], invStd = w.InvStd[r];
            var (sumG, sumGCentered) = NormalizationMath.RowSums(dyr, xr, g, mean);
            double sumGXhat = sumGCentered * invStd, k = invStd / cols;
            NormalizationMath.RowGradient(dyr, xr, g, new Span<float>(w.Out + (nint)r * cols, cols), mean, invStd,
                invStd, -k * sumGXhat, -k * sumG, w.Accumulate, sumGamma, sumBeta);
        }
    }

    /// <summary>The slices of the backward pass: at most this many, whatever the thread count.</summary>
    private const int MaxSlices = 8;

    /// <summary>Tensors below this many floats are normalised on the caller (a hand-off costs about a microsecond).</summary>
    private const int ParallelMinFloats = 32 * 1024;

    private static int Threads(int rows, int cols) => WorkerPool.ThreadsFor((long)rows * cols, ParallelMinFloats);

    /// <summary>A pass over rows: forward parts are runs of RowsPerPart rows, backward parts are the fixed slices.</summary>
    private sealed unsafe class RowsWork : ParallelWork
    {
        [ThreadStatic] private static RowsWork? t_instance;
        public bool Forward, Accumulate;
        public int Rows, Cols, RowsPerPart, Slices;
        public float Epsilon;
        public float* X, Gamma, Beta, Dy, Out, Mean, InvStd;
        public double* Sums;

        public static RowsWork ForCurrentThread() => t_instance ??= new RowsWork();

        public override void RunPart(int part)
        {
            if (Forward) ForwardRows(this, part * RowsPerPart, Math.Min(Rows, (part + 1) * RowsPerPart));
            else BackwardSlice(this, part);
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
