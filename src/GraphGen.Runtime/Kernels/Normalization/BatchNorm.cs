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
/// Sums over a channel are accumulated in double, in a fixed order: positions, then the samples of
/// each slice of the batch (at most 8, [s·B/S, (s+1)·B/S), by the batch size alone), then the
/// slices in order. Every pass runs by those slices on <see cref="WorkerPool"/>, dealt to the
/// threads in contiguous runs, because the convolution before a BatchNorm and the one after it
/// split the batch by samples the same way: each thread reads the samples it wrote (split by
/// channels, as before, half of every channel came from the other core's cache: 82 µs more than
/// alone after a 16-channel 14×14 convolution of 64 samples, 78 µs more after the ReLU backward).
/// The same bits for every thread count. Training reads x once for its statistics: Σ(x − K) and
/// Σ(x − K)² around K, the channel's first value (so the sums do not cancel however far the mean
/// is from 0), give μ = K + S₁/N and Σ(x − μ)² = S₂ − S₁²/N; a second pass writes y. gamma and
/// beta may both be empty (affine = false: γ = 1, β = 0); then dgamma and dbeta may be empty too.
/// The running statistics may both be empty (track_running_stats = false).
/// </summary>
public static partial class BatchNorm
{
    /// <summary>
    /// Training: normalises each channel with this batch's mean and biased variance, keeps μ and invstd
    /// for the backward pass, and updates the running averages (the variance with Bessel's correction).
    /// </summary>
    public static void ForwardTraining(int batch, int channels, int spatial, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> savedMean, Span<float> savedInvStd, Span<float> runningMean, Span<float> runningVar,
        float momentum = 0.1f, float epsilon = 1e-5f) =>
        ForwardTraining(batch, channels, spatial, x, gamma, beta, y, savedMean, savedInvStd, runningMean, runningVar, momentum, epsilon, default(Identity));

    /// <summary>
    /// Training, with y = f(BatchNorm(x)): the activation after it applied to each plane as it is
    /// normalised (while the plane is in cache), so the normalised tensor is never stored. The same
    /// bits as <see cref="ForwardTraining(int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, float, float)"/>
    /// then <see cref="Activations.Forward{TAct}"/>. The backward pass recomputes x̂ from x, so it
    /// does not need the normalised tensor either.
    /// </summary>
    public static unsafe void ForwardTraining<TAct>(int batch, int channels, int spatial, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> savedMean, Span<float> savedInvStd, Span<float> runningMean, Span<float> runningVar,
        float momentum, float epsilon, TAct activation) where TAct : struct, IActivation<TAct>
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
            int n = batch * channels;
            if (typeof(TAct) != typeof(Identity)) Activations.Forward(activation, y[..n], y[..n]);
            return;
        }
        fixed (float* px = x, py = y)
        {
            var work = SliceWork.Start(batch, channels, spatial);
            work.X = px; work.Y = py;
            // Σ(x − K) and Σ(x − K)² per slice and channel in one read of x, then the slices in order;
            // μ = K + S₁/N and Σ(x − μ)² = S₂ − S₁²/N, in double. K is the channel's first value (a
            // value of the data, so x − K is a few σ and the two sums do not cancel, however large the
            // mean). Then invstd, the running statistics, and y.
            for (int c = 0; c < channels; c++)
            {
                float first = px[(nint)c * spatial];
                work.Mean[c] = float.IsFinite(first) ? first : 0.0;
            }
            work.Run(SlicePass.ShiftedSums);
            for (int c = 0; c < channels; c++)
            {
                double offset = work.Total(c) / count;
                work.Mean[c] += offset;
                double squares = Math.Max(0.0, work.Total(c, second: true) - offset * offset * count);
                double invStd = 1.0 / Math.Sqrt(squares / count + epsilon);
                SaveStatistics(c, work.Mean[c], invStd, squares, count, savedMean, savedInvStd, runningMean, runningVar, momentum);
                work.Scale[c] = (gamma.IsEmpty ? 1.0 : gamma[c]) * invStd;
                work.Shift[c] = beta.IsEmpty ? 0.0 : beta[c];
            }
            if (typeof(TAct) == typeof(Identity))
            {
                work.Run(SlicePass.Normalize);
                return;
            }
            var normalize = ActivatedNormalize<TAct>.ForCurrentThread();
            normalize.Slices = work;
            normalize.Activation = activation;
            work.Run(normalize);
        }
    }

    /// <summary>
    /// Part s: slice s of the batch normalised, each plane passed through the activation while in
    /// cache (the Normalize pass of <see cref="SliceWork"/>, then <see cref="Activations.ForwardSpan{TAct}"/>).
    /// </summary>
    private sealed unsafe class ActivatedNormalize<TAct> : ParallelWork where TAct : struct, IActivation<TAct>
    {
        [ThreadStatic] private static ActivatedNormalize<TAct>? t_instance;
        public SliceWork Slices = null!;
        public TAct Activation;

        public static ActivatedNormalize<TAct> ForCurrentThread() => t_instance ??= new ActivatedNormalize<TAct>();

        public override void RunPart(int slice) => Slices.Normalize(slice, Activation);
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
        fixed (float* px = x, py = y)
        {
            var work = SliceWork.Start(batch, channels, spatial);
            work.X = px; work.Y = py;
            for (int c = 0; c < channels; c++)
            {
                work.Mean[c] = runningMean[c];
                work.Scale[c] = (gamma.IsEmpty ? 1.0 : gamma[c]) * (1.0 / Math.Sqrt((double)runningVar[c] + epsilon));
                work.Shift[c] = beta.IsEmpty ? 0.0 : beta[c];
            }
            work.Run(SlicePass.Normalize);
        }
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
        long count = (long)batch * spatial;
        fixed (float* pdy = dy, px = x, pdx = dx)
        {
            var work = SliceWork.Start(batch, channels, spatial);
            work.Dy = pdy; work.X = px; work.Dx = pdx; work.Accumulate = accumulate;
            for (int c = 0; c < channels; c++) work.Mean[c] = savedMean[c];
            // Σdy and Σdy·(x − μ) per slice and channel, then the slices in order.
            work.Run(SlicePass.GradientSums);
            for (int c = 0; c < channels; c++)
            {
                double invStd = savedInvStd[c], sumDy = work.Total(c), sumDyXhat = work.Total(c, second: true) * invStd;
                if (!dgamma.IsEmpty) dgamma[c] = accumulate ? dgamma[c] + (float)sumDyXhat : (float)sumDyXhat;
                if (!dbeta.IsEmpty) dbeta[c] = accumulate ? dbeta[c] + (float)sumDy : (float)sumDy;
                if (count == 0) continue;
                double scale = (gamma.IsEmpty ? 1.0 : gamma[c]) * invStd / count;
                work.Scale[c] = invStd;
                work.Shift[c] = scale * count;
                work.Term1[c] = -scale * sumDyXhat;
                work.Term2[c] = -scale * sumDy;
            }
            if (count > 0) work.Run(SlicePass.Gradient);
        }
    }

    /// <summary>Tensors of at least this many floats run their slices in parallel.</summary>
    private const int ParallelMinFloats = 32 * 1024;

    private enum SlicePass { ShiftedSums, Normalize, GradientSums, Gradient }

    /// <summary>
    /// Part s: slice s of the batch in one pass over all channels, samples in order. The sums go to
    /// per-slice partials (double) that <see cref="Total"/> adds in slice order; the per-channel
    /// coefficients (μ, scale, shift, the gradient's terms) are set by the caller between passes.
    /// </summary>
    private sealed unsafe class SliceWork : ParallelWork
    {
        [ThreadStatic] private static SliceWork? t_instance;
        private SlicePass _pass;
        private int _batch, _channels, _spatial, _slices;
        private double[] _doubles = [];
        public bool Accumulate;
        public float* X, Y, Dy, Dx;
        /// <summary>Per channel: μ; scale (γ·invstd) or invstd; shift (β) or the gradient's N·scale; the gradient's two sum terms.</summary>
        public Span<double> Mean => _doubles.AsSpan(0, _channels);
        public Span<double> Scale => _doubles.AsSpan(_channels, _channels);
        public Span<double> Shift => _doubles.AsSpan(2 * _channels, _channels);
        public Span<double> Term1 => _doubles.AsSpan(3 * _channels, _channels);
        public Span<double> Term2 => _doubles.AsSpan(4 * _channels, _channels);
        /// <summary>Two partial sums per slice and channel.</summary>
        private Span<double> Partials => _doubles.AsSpan(5 * _channels, 2 * _slices * _channels);

        /// <summary>This thread's job for a tensor of [batch, channels, spatial] (its scratch grown, never shrunk).</summary>
        public static SliceWork Start(int batch, int channels, int spatial)
        {
            var w = t_instance ??= new SliceWork();
            w._batch = batch; w._channels = channels; w._spatial = spatial;
            w._slices = Math.Max(1, Math.Min(batch, Conv2d.WeightSlices));
            int length = (5 + 2 * w._slices) * channels;
            if (w._doubles.Length < length) w._doubles = new double[length];
            return w;
        }

        public void Run(SlicePass pass)
        {
            _pass = pass;
            Run(this);
        }

        /// <summary>Runs <paramref name="work"/> over this tensor's slices, on as many threads as the plain passes.</summary>
        public void Run(ParallelWork work) =>
            WorkerPool.Run(work, _slices, WorkerPool.ThreadsFor((long)_batch * _channels * _spatial, ParallelMinFloats));

        /// <summary>Slice s of the Normalize pass, each plane then passed through f (unless f is the identity).</summary>
        public void Normalize<TAct>(int slice, TAct activation) where TAct : struct, IActivation<TAct>
        {
            var (first, end) = FixedSlices.Bounds(_batch, _slices, slice);
            for (int b = first; b < end; b++)
                for (int c = 0; c < _channels; c++)
                {
                    nint at = ((nint)b * _channels + c) * _spatial;
                    var y = new Span<float>(Y + at, _spatial);
                    NormalizationMath.Affine(new ReadOnlySpan<float>(X + at, _spatial), y, Mean[c], Scale[c], Shift[c]);
                    if (typeof(TAct) != typeof(Identity)) Activations.ForwardSpan(activation, y, y);
                }
        }

        /// <summary>Channel c's sum over the slices, in slice order (the second sum of a pair when <paramref name="second"/>).</summary>
        public double Total(int c, bool second = false)
        {
            var partials = Partials;
            double total = 0;
            for (int s = 0; s < _slices; s++) total += partials[2 * (s * _channels + c) + (second ? 1 : 0)];
            return total;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void RunPart(int slice)
        {
            if (_pass == SlicePass.Normalize)
            {
                Normalize(slice, default(Identity));
                return;
            }
            int channels = _channels, spatial = _spatial;
            var (first, end) = FixedSlices.Bounds(_batch, _slices, slice);
            var sums = Partials.Slice(2 * slice * channels, 2 * channels);
            if (_pass is SlicePass.ShiftedSums or SlicePass.GradientSums) sums.Clear();
            for (int b = first; b < end; b++)
                for (int c = 0; c < channels; c++)
                {
                    nint at = ((nint)b * channels + c) * spatial;
                    var x = new ReadOnlySpan<float>(X + at, spatial);
                    switch (_pass)
                    {
                        case SlicePass.ShiftedSums:
                            var (shifted, squares) = NormalizationMath.ShiftedSums(x, Mean[c]);
                            sums[2 * c] += shifted;
                            sums[2 * c + 1] += squares;
                            break;
                        case SlicePass.GradientSums:
                            var (plainSum, dot) = NormalizationMath.SumAndDot(new ReadOnlySpan<float>(Dy + at, spatial), x, Mean[c]);
                            sums[2 * c] += plainSum;
                            sums[2 * c + 1] += dot;
                            break;
                        default:
                            NormalizationMath.Gradient(new ReadOnlySpan<float>(Dy + at, spatial), x, new Span<float>(Dx + at, spatial), Mean[c], Scale[c],
                                Shift[c], Term1[c], Term2[c], Accumulate);
                            break;
                    }
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
