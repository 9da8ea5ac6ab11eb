namespace GraphGen.Kernels;

/// <summary>
/// Batch normalisation (PyTorch's <c>BatchNorm1d</c>/<c>BatchNorm2d</c>) over x [batch, channels,
/// spatial]: each channel c is normalised with statistics over its N = batch·spatial values.
/// <code>
/// training   μ = Σx / N,  σ² = Σ(x − μ)² / N (biased),  x̂ = (x − μ)·invstd,  invstd = 1/√(σ² + ε)
///            y = γ·x̂ + β
///            running_mean = (1 − m)·running_mean + m·μ
///            running_var  = (1 − m)·running_var  + m·σ²·N/(N − 1)   (unbiased, as PyTorch)
/// inference  y = γ·(x − running_mean)/√(running_var + ε) + β
/// backward   dx = γ·invstd/N · (N·dy − Σdy − x̂·Σ(dy·x̂)),  dγ = Σ dy·x̂,  dβ = Σ dy
/// </code>
/// Sums over a channel are accumulated in double, in a fixed order (batch, then position). gamma and
/// beta may both be empty (affine = false: γ = 1, β = 0); then dgamma and dbeta may be empty too.
/// The running statistics may both be empty (track_running_stats = false).
/// </summary>
public static partial class BatchNorm
{
    public static void ForwardTraining(int batch, int channels, int spatial, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> savedMean, Span<float> savedInvStd, Span<float> runningMean, Span<float> runningVar,
        float momentum = 0.1f, float epsilon = 1e-5f)
    {
        const string Kernel = "BatchNorm.ForwardTraining";
        CheckTensors(batch, channels, spatial, Kernel, x.Length, y.Length, nameof(y));
        CheckAffine(channels, Kernel, gamma.Length, beta.Length);
        KernelChecks.AtLeast(savedMean.Length, channels, Kernel, nameof(savedMean), "[channels]");
        KernelChecks.AtLeast(savedInvStd.Length, channels, Kernel, nameof(savedInvStd), "[channels]");
        if (runningMean.IsEmpty != runningVar.IsEmpty)
            throw new ArgumentException($"{Kernel}: runningMean and runningVar must both be given or both be empty.", nameof(runningVar));
        if (!runningMean.IsEmpty)
        {
            KernelChecks.AtLeast(runningMean.Length, channels, Kernel, nameof(runningMean), "[channels]");
            KernelChecks.AtLeast(runningVar.Length, channels, Kernel, nameof(runningVar), "[channels]");
        }
        long count = (long)batch * spatial;
        if (count < 2)
            throw new ArgumentException($"{Kernel}: training statistics need more than one value per channel, but batch·spatial = {count}.", nameof(batch));
        if (!(momentum >= 0f && momentum <= 1f))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{Kernel}: momentum must be in [0, 1].");
        CheckEpsilon(epsilon, Kernel);
        if (spatial == 1)
        {
            DenseForwardTraining(batch, channels, x, gamma, beta, y, savedMean, savedInvStd, runningMean, runningVar, momentum, epsilon);
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int b = 0; b < batch; b++) sum += NormalizationMath.Sum(x.Slice((b * channels + c) * spatial, spatial));
            double mean = sum / count;
            double squares = 0;
            for (int b = 0; b < batch; b++) squares += NormalizationMath.SumSquares(x.Slice((b * channels + c) * spatial, spatial), mean);
            double variance = squares / count;
            double invStd = 1.0 / Math.Sqrt(variance + epsilon);
            SaveStatistics(c, mean, invStd, squares, count, savedMean, savedInvStd, runningMean, runningVar, momentum);
            Normalize(x, y, batch, channels, spatial, c, mean, invStd, gamma, beta);
        }
    }

    public static void ForwardInference(int batch, int channels, int spatial, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, Span<float> y, float epsilon = 1e-5f)
    {
        const string Kernel = "BatchNorm.ForwardInference";
        CheckTensors(batch, channels, spatial, Kernel, x.Length, y.Length, nameof(y));
        CheckAffine(channels, Kernel, gamma.Length, beta.Length);
        KernelChecks.AtLeast(runningMean.Length, channels, Kernel, nameof(runningMean), "[channels]");
        KernelChecks.AtLeast(runningVar.Length, channels, Kernel, nameof(runningVar), "[channels]");
        CheckEpsilon(epsilon, Kernel);
        for (int c = 0; c < channels; c++)
            Normalize(x, y, batch, channels, spatial, c, runningMean[c], 1.0 / Math.Sqrt((double)runningVar[c] + epsilon), gamma, beta);
    }

    /// <summary>
    /// dx (+)= γ·invstd/N · (N·dy − Σdy − x̂·Σ(dy·x̂)), dgamma (+)= Σ dy·x̂, dbeta (+)= Σ dy, with x̂
    /// recomputed from x and the saved statistics of <see cref="ForwardTraining"/>.
    /// </summary>
    public static void Backward(int batch, int channels, int spatial, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd, Span<float> dx, Span<float> dgamma, Span<float> dbeta, bool accumulate)
    {
        const string Kernel = "BatchNorm.Backward";
        CheckTensors(batch, channels, spatial, Kernel, x.Length, dx.Length, nameof(dx));
        KernelChecks.Length(dy.Length, Kernel, nameof(dy), "[batch, channels, spatial]", batch, channels, spatial);
        KernelChecks.EmptyOrExactly(gamma.Length, channels, Kernel, nameof(gamma), "[channels]");
        KernelChecks.AtLeast(savedMean.Length, channels, Kernel, nameof(savedMean), "[channels]");
        KernelChecks.AtLeast(savedInvStd.Length, channels, Kernel, nameof(savedInvStd), "[channels]");
        KernelChecks.EmptyOrExactly(dgamma.Length, channels, Kernel, nameof(dgamma), "[channels]");
        KernelChecks.EmptyOrExactly(dbeta.Length, channels, Kernel, nameof(dbeta), "[channels]");
        if (spatial == 1)
        {
            DenseBackward(batch, channels, dy, x, gamma, savedMean, savedInvStd, dx, dgamma, dbeta, accumulate);
            return;
        }
        long count = (long)batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double mean = savedMean[c], invStd = savedInvStd[c];
            double sumDy = 0, sumDyCentered = 0;
            for (int b = 0; b < batch; b++)
            {
                int at = (b * channels + c) * spatial;
                var (plainSum, dot) = NormalizationMath.SumAndDot(dy.Slice(at, spatial), x.Slice(at, spatial), mean);
                sumDy += plainSum;
                sumDyCentered += dot;
            }
            double sumDyXhat = sumDyCentered * invStd;
            if (!dgamma.IsEmpty) dgamma[c] = accumulate ? dgamma[c] + (float)sumDyXhat : (float)sumDyXhat;
            if (!dbeta.IsEmpty) dbeta[c] = accumulate ? dbeta[c] + (float)sumDy : (float)sumDy;
            if (count == 0) continue;
            double scale = (gamma.IsEmpty ? 1.0 : gamma[c]) * invStd / count;
            for (int b = 0; b < batch; b++)
            {
                int at = (b * channels + c) * spatial;
                NormalizationMath.Gradient(dy.Slice(at, spatial), x.Slice(at, spatial), dx.Slice(at, spatial), mean, invStd,
                    scale * count, -scale * sumDyXhat, -scale * sumDy, accumulate);
            }
        }
    }

    /// <summary>Saves μ and invstd, and moves the running statistics towards μ and the unbiased σ²·N/(N − 1).</summary>
    private static void SaveStatistics(int c, double mean, double invStd, double squares, long count,
        Span<float> savedMean, Span<float> savedInvStd, Span<float> runningMean, Span<float> runningVar, float momentum)
    {
        savedMean[c] = (float)mean;
        savedInvStd[c] = (float)invStd;
        if (runningMean.IsEmpty) return;
        runningMean[c] = (float)((1.0 - momentum) * runningMean[c] + momentum * mean);
        runningVar[c] = (float)((1.0 - momentum) * runningVar[c] + momentum * (squares / (count - 1)));
    }

    /// <summary>y = γ·(x − mean)·invStd + β over channel c.</summary>
    private static void Normalize(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int spatial, int c,
        double mean, double invStd, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta)
    {
        double scale = (gamma.IsEmpty ? 1.0 : gamma[c]) * invStd, shift = beta.IsEmpty ? 0.0 : beta[c];
        for (int b = 0; b < batch; b++)
        {
            int at = (b * channels + c) * spatial;
            NormalizationMath.Affine(x.Slice(at, spatial), y.Slice(at, spatial), mean, scale, shift);
        }
    }

    private static void CheckTensors(int batch, int channels, int spatial, string kernel, int inputLength, int outputLength, string outputName)
    {
        KernelChecks.NotLess(batch, 0, kernel, nameof(batch));
        KernelChecks.NotLess(channels, 1, kernel, nameof(channels));
        KernelChecks.NotLess(spatial, 1, kernel, nameof(spatial));
        KernelChecks.Length(inputLength, kernel, "x", "[batch, channels, spatial]", batch, channels, spatial);
        KernelChecks.Length(outputLength, kernel, outputName, "[batch, channels, spatial]", batch, channels, spatial);
    }

    private static void CheckAffine(int channels, string kernel, int gammaLength, int betaLength)
    {
        KernelChecks.EmptyOrExactly(gammaLength, channels, kernel, "gamma", "[channels]");
        KernelChecks.EmptyOrExactly(betaLength, channels, kernel, "beta", "[channels]");
        if ((gammaLength == 0) != (betaLength == 0))
            throw new ArgumentException($"{kernel}: gamma and beta must both be given (affine) or both be empty.", "beta");
    }

    private static void CheckEpsilon(float epsilon, string kernel)
    {
        if (!(epsilon > 0f))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{kernel}: epsilon must be positive.");
    }
}
