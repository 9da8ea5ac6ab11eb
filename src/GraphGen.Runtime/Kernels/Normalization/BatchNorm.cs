using System.Runtime.CompilerServices;
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
    /// <summary>
    /// Training: normalises each channel with this batch's mean and biased variance, keeps μ and invstd
    /// for the backward pass, and updates the running averages (the variance with Bessel's correction).
    /// </summary>
    public static unsafe void ForwardTraining(int batch, int channels, int spatial, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
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
        fixed (float* px = x, py = y, pg = gamma, pb = beta, pm = savedMean, ps = savedInvStd, prm = runningMean, prv = runningVar)
        {
            var work = ChannelWork.ForCurrentThread();
            work.Pass = ChannelPass.ForwardTraining;
            work.Batch = batch; work.Channels = channels; work.Spatial = spatial; work.Momentum = momentum; work.Epsilon = epsilon;
            work.X = px; work.Y = py; work.Gamma = pg; work.Beta = pb; work.Mean = pm; work.InvStd = ps; work.RunningMean = prm; work.RunningVar = prv;
            RunChannels(work);
        }
    }

    /// <summary>Channel c of <see cref="ForwardTraining"/>: its statistics in double (batch, then position), the running statistics, y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ForwardTrainingChannel(ChannelWork w, int c)
    {
        int batch = w.Batch, channels = w.Channels, spatial = w.Spatial;
        long count = (long)batch * spatial;
        var x = w.Span(w.X, batch * channels * spatial);
        double sum = 0;
        for (int b = 0; b < batch; b++) sum += NormalizationMath.Sum(x.Slice((b * channels + c) * spatial, spatial));
        double mean = sum / count;
        double squares = 0;
        for (int b = 0; b < batch; b++) squares += NormalizationMath.SumSquares(x.Slice((b * channels + c) * spatial, spatial), mean);
        double variance = squares / count;
        double invStd = 1.0 / Math.Sqrt(variance + w.Epsilon);
        SaveStatistics(c, mean, invStd, squares, count, w.Span(w.Mean, channels), w.Span(w.InvStd, channels),
            w.Span(w.RunningMean, channels), w.Span(w.RunningVar, channels), w.Momentum);
        Normalize(x, w.Span(w.Y, batch * channels * spatial), batch, channels, spatial, c, mean, invStd, w.Span(w.Gamma, channels), w.Span(w.Beta, channels));
    }

    /// <summary>Inference: normalises each channel with the running averages.</summary>
    public static unsafe void ForwardInference(int batch, int channels, int spatial, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, Span<float> y, float epsilon = 1e-5f)
    {
        const string Kernel = "BatchNorm.ForwardInference";
        CheckTensors(batch, channels, spatial, Kernel, x.Length, y.Length, nameof(y));
        CheckAffine(channels, Kernel, gamma.Length, beta.Length);
        KernelChecks.AtLeast(runningMean.Length, channels, Kernel, nameof(runningMean), "[channels]");
        KernelChecks.AtLeast(runningVar.Length, channels, Kernel, nameof(runningVar), "[channels]");
        CheckEpsilon(epsilon, Kernel);
        fixed (float* px = x, py = y, pg = gamma, pb = beta, prm = runningMean, prv = runningVar)
        {
            var work = ChannelWork.ForCurrentThread();
            work.Pass = ChannelPass.ForwardInference;
            work.Batch = batch; work.Channels = channels; work.Spatial = spatial; work.Epsilon = epsilon;
            work.X = px; work.Y = py; work.Gamma = pg; work.Beta = pb; work.RunningMean = prm; work.RunningVar = prv;
            RunChannels(work);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ForwardInferenceChannel(ChannelWork w, int c)
    {
        int n = w.Batch * w.Channels * w.Spatial;
        Normalize(w.Span(w.X, n), w.Span(w.Y, n), w.Batch, w.Channels, w.Spatial, c, w.RunningMean[c],
            1.0 / Math.Sqrt((double)w.RunningVar[c] + w.Epsilon), w.Span(w.Gamma, w.Channels), w.Span(w.Beta, w.Channels));
    }

    /// <summary>
    /// dx (+)= γ·invstd/N · (N·dy − Σdy − x̂·Σ(dy·x̂)), dgamma (+)= Σ dy·x̂, dbeta (+)= Σ dy, with x̂
    /// recomputed from x and the saved statistics of <see cref="ForwardTraining"/>.
    /// </summary>
    public static unsafe void Backward(int batch, int channels, int spatial, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
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
        fixed (float* pdy = dy, px = x, pg = gamma, pm = savedMean, ps = savedInvStd, pdx = dx, pdg = dgamma, pdb = dbeta)
        {
            var work = ChannelWork.ForCurrentThread();
            work.Pass = ChannelPass.Backward;
            work.Batch = batch; work.Channels = channels; work.Spatial = spatial; work.Accumulate = accumulate;
            work.Dy = pdy; work.X = px; work.Gamma = pg; work.Mean = pm; work.InvStd = ps; work.Dx = pdx; work.DGamma = pdg; work.DBeta = pdb;
            RunChannels(work);
        }
    }

    /// <summary>Channel c of <see cref="Backward"/>: its sums in double (batch, then position), dγ, dβ and dx.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void BackwardChannel(ChannelWork w, int c)
    {
        int batch = w.Batch, channels = w.Channels, spatial = w.Spatial, n = batch * channels * spatial;
        bool accumulate = w.Accumulate;
        var dy = w.Span(w.Dy, n);
        var x = w.Span(w.X, n);
        var dx = w.Span(w.Dx, n);
        var gamma = w.Span(w.Gamma, channels);
        var dgamma = w.Span(w.DGamma, channels);
        var dbeta = w.Span(w.DBeta, channels);
        long count = (long)batch * spatial;
        double mean = w.Mean[c], invStd = w.InvStd[c];
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
        if (count == 0) return;
        double scale = (gamma.IsEmpty ? 1.0 : gamma[c]) * invStd / count;
        for (int b = 0; b < batch; b++)
        {
            int at = (b * channels + c) * spatial;
            NormalizationMath.Gradient(dy.Slice(at, spatial), x.Slice(at, spatial), dx.Slice(at, spatial), mean, invStd,
                scale * count, -scale * sumDyXhat, -scale * sumDy, accumulate);
        }
    }

    /// <summary>Channels are independent: they run in parallel when the tensor is large, each computed by one thread in one order (the same bits for every thread count).</summary>
    private const int ParallelMinFloats = 32 * 1024;

    private static void RunChannels(ChannelWork work)
    {
        WorkerPool.Run(work, work.Channels, WorkerPool.ThreadsFor((long)work.Batch * work.Channels * work.Spatial, ParallelMinFloats));
    }

    private enum ChannelPass { ForwardTraining, ForwardInference, Backward }

    /// <summary>Part c: channel c of one pass. Pointers to the caller's pinned spans (null for an empty one).</summary>
    private sealed unsafe class ChannelWork : ParallelWork
    {
        [ThreadStatic] private static ChannelWork? t_instance;
        public ChannelPass Pass;
        public int Batch, Channels, Spatial;
        public float Momentum, Epsilon;
        public bool Accumulate;
        public float* X, Y, Gamma, Beta, Mean, InvStd, RunningMean, RunningVar, Dy, Dx, DGamma, DBeta;

        public static ChannelWork ForCurrentThread() => t_instance ??= new ChannelWork();

        /// <summary>The span of <paramref name="length"/> floats at <paramref name="p"/>, or an empty span for a null pointer (an empty argument).</summary>
        public Span<float> Span(float* p, int length) => p == null ? default : new Span<float>(p, length);

        public override void RunPart(int c)
        {
            switch (Pass)
            {
                case ChannelPass.ForwardTraining: ForwardTrainingChannel(this, c); break;
                case ChannelPass.ForwardInference: ForwardInferenceChannel(this, c); break;
                default: BackwardChannel(this, c); break;
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
