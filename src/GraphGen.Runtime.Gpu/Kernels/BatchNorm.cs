using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// Batch normalisation on the device (the CPU's <c>GraphGen.Kernels.BatchNorm</c>: PyTorch's
/// <c>BatchNorm1d</c>/<c>BatchNorm2d</c>) over x [batch, channels, spatial], each channel c
/// normalised with statistics over its N = batch·spatial values:
/// <code>
/// training   μ = Σx / N,  σ² = Σ(x − μ)² / N (biased),  x̂ = (x − μ)·invstd,  invstd = 1/√(σ² + ε)
///            y = γ·x̂ + β
///            running_mean = (1 − m)·running_mean + m·μ
///            running_var  = (1 − m)·running_var  + m·σ²·N/(N − 1)   (unbiased, as PyTorch)
/// inference  y = γ·(x − running_mean)/√(running_var + ε) + β
/// backward   dx = γ·invstd/N · (N·dy − Σdy − x̂·Σ(dy·x̂)),  dγ = Σ dy·x̂,  dβ = Σ dy
/// </code>
/// gamma and beta may both be empty (affine = false), and then dgamma and dbeta too; the running
/// statistics may both be empty (track_running_stats = false).
/// </summary>
/// <remarks>
/// The CPU's arithmetic, in double as there: sums of floats in double, each output computed in
/// double from (x − μ) and rounded once. A channel's N values are cut into chunks of
/// <see cref="ChunkSize"/> consecutive values (batch, then position); one thread per (channel,
/// chunk) adds its chunk in order, one thread per channel adds the chunks in order and computes the
/// statistics, and one thread per element normalises. A channel of one chunk (at most 256 values)
/// is done by one thread from start to end, in one launch: the same operations in the same order.
/// No atomics and no shared memory: a launch always gives the same bits, and a dense input of up
/// to 256 rows gets the CPU's chain of additions exactly. Otherwise the order differs from the
/// CPU's in the last bits of a double, which the rounding to float almost always hides.
/// </remarks>
public static partial class BatchNorm
{
    /// <summary>
    /// Training, with y = f(BatchNorm(x)) (the CPU's overload of the same name): the normalisation,
    /// then the activation in place, one thread per element, as the two steps run unfused.
    /// </summary>
    public static void ForwardTraining<TAct>(GpuDevice device, int batch, int channels, int spatial, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> y, ArrayView<float> savedMean, ArrayView<float> savedInvStd, ArrayView<float> runningMean, ArrayView<float> runningVar,
        float momentum, float epsilon, TAct activation) where TAct : struct, IActivation<TAct>
    {
        ForwardTraining(device, batch, channels, spatial, x, gamma, beta, y, savedMean, savedInvStd, runningMean, runningVar, momentum, epsilon);
        if ((long)batch * channels * spatial > 0) Activations.Forward(device, activation, y.SubView(0, (long)batch * channels * spatial), y);
    }

    /// <summary>
    /// Training: normalises each channel with this batch's mean and biased variance, keeps μ and invstd
    /// for the backward pass, and updates the running averages (the variance with Bessel's correction).
    /// </summary>
    public static void ForwardTraining(GpuDevice device, int batch, int channels, int spatial, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> y, ArrayView<float> savedMean, ArrayView<float> savedInvStd, ArrayView<float> runningMean, ArrayView<float> runningVar,
        float momentum = 0.1f, float epsilon = 1e-5f)
    {
        const string Kernel = "BatchNorm.ForwardTraining";
        CheckTensors(batch, channels, spatial, Kernel, x.Length, y.Length, nameof(y));
        CheckAffine(channels, Kernel, gamma.Length, beta.Length);
        KernelChecks.AtLeast(Length(savedMean.Length), channels, Kernel, nameof(savedMean), "[channels]");
        KernelChecks.AtLeast(Length(savedInvStd.Length), channels, Kernel, nameof(savedInvStd), "[channels]");
        if ((runningMean.Length == 0) != (runningVar.Length == 0))
            throw new ArgumentException($"{Kernel}: runningMean and runningVar must both be given or both be empty.", nameof(runningVar));
        if (runningMean.Length > 0)
        {
            KernelChecks.AtLeast(Length(runningMean.Length), channels, Kernel, nameof(runningMean), "[channels]");
            KernelChecks.AtLeast(Length(runningVar.Length), channels, Kernel, nameof(runningVar), "[channels]");
        }
        long count = (long)batch * spatial;
        if (count < 2)
            throw new ArgumentException($"{Kernel}: training statistics need more than one value per channel, but batch·spatial = {count}.", nameof(batch));
        if (!(momentum >= 0f && momentum <= 1f))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{Kernel}: momentum must be in [0, 1].");
        CheckEpsilon(epsilon, Kernel);
        var args = new NormArgs(batch, channels, spatial, momentum, epsilon, accumulate: false,
            x, gamma, beta, y, savedMean, savedInvStd, runningMean, runningVar, default, default, default, default);
        int chunks = Chunks(in args);
        if (chunks == 1)
        {
            device.Kernel(WholeChannelTrainingMethod.Method, a => a.LoadAutoGroupedStreamKernel(WholeChannelTrainingMethod))(channels, args);
            return;
        }
        var work = Work(device, in args, chunks);
        Launch(device, ChunkSumsMethod, channels * chunks, args, work, chunks, (int)Pass.Sum);
        Launch(device, MeansMethod, channels, args, work, chunks, (int)Pass.Sum);
        Launch(device, ChunkSumsMethod, channels * chunks, args, work, chunks, (int)Pass.Squares);
        Launch(device, StatisticsMethod, channels, args, work, chunks, (int)Pass.Squares);
        Launch(device, NormalizeMethod, batch * channels * spatial, args, work, chunks, (int)Pass.Squares);
    }

    /// <summary>Inference: normalises each channel with the running averages.</summary>
    public static void ForwardInference(GpuDevice device, int batch, int channels, int spatial, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ArrayView<float> y, float epsilon = 1e-5f)
    {
        const string Kernel = "BatchNorm.ForwardInference";
        CheckTensors(batch, channels, spatial, Kernel, x.Length, y.Length, nameof(y));
        CheckAffine(channels, Kernel, gamma.Length, beta.Length);
        KernelChecks.AtLeast(Length(runningMean.Length), channels, Kernel, nameof(runningMean), "[channels]");
        KernelChecks.AtLeast(Length(runningVar.Length), channels, Kernel, nameof(runningVar), "[channels]");
        CheckEpsilon(epsilon, Kernel);
        int n = batch * channels * spatial;
        if (n == 0) return;
        var args = new NormArgs(batch, channels, spatial, 0f, epsilon, accumulate: false,
            x, gamma, beta, y, default, default, runningMean, runningVar, default, default, default, default);
        device.Kernel(InferenceMethod.Method, a => a.LoadAutoGroupedStreamKernel(InferenceMethod))(n, args);
    }

    /// <summary>
    /// dx (+)= γ·invstd/N · (N·dy − Σdy − x̂·Σ(dy·x̂)), dgamma (+)= Σ dy·x̂, dbeta (+)= Σ dy, with x̂
    /// recomputed from x and the saved statistics of <see cref="ForwardTraining"/>.
    /// </summary>
    public static void Backward(GpuDevice device, int batch, int channels, int spatial, ArrayView<float> dy, ArrayView<float> x, ArrayView<float> gamma,
        ArrayView<float> savedMean, ArrayView<float> savedInvStd, ArrayView<float> dx, ArrayView<float> dgamma, ArrayView<float> dbeta, bool accumulate)
    {
        const string Kernel = "BatchNorm.Backward";
        CheckTensors(batch, channels, spatial, Kernel, x.Length, dx.Length, nameof(dx));
        KernelChecks.Length(Length(dy.Length), Kernel, nameof(dy), "[batch, channels, spatial]", batch, channels, spatial);
        KernelChecks.EmptyOrExactly(Length(gamma.Length), channels, Kernel, nameof(gamma), "[channels]");
        KernelChecks.AtLeast(Length(savedMean.Length), channels, Kernel, nameof(savedMean), "[channels]");
        KernelChecks.AtLeast(Length(savedInvStd.Length), channels, Kernel, nameof(savedInvStd), "[channels]");
        KernelChecks.EmptyOrExactly(Length(dgamma.Length), channels, Kernel, nameof(dgamma), "[channels]");
        KernelChecks.EmptyOrExactly(Length(dbeta.Length), channels, Kernel, nameof(dbeta), "[channels]");
        var args = new NormArgs(batch, channels, spatial, 0f, 0f, accumulate,
            x, gamma, default, default, savedMean, savedInvStd, default, default, dy, dx, dgamma, dbeta);
        int chunks = Chunks(in args);
        if (chunks <= 1)
        {
            device.Kernel(WholeChannelBackwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(WholeChannelBackwardMethod))(channels, args);
            return;
        }
        var work = Work(device, in args, chunks);
        Launch(device, ChunkSumsMethod, channels * chunks, args, work, chunks, (int)Pass.Gradient);
        Launch(device, ChannelGradientsMethod, channels, args, work, chunks, (int)Pass.Gradient);
        if (batch > 0) Launch(device, GradientMethod, batch * channels * spatial, args, work, chunks, (int)Pass.Gradient);
    }

    private static void CheckTensors(int batch, int channels, int spatial, string kernel, long inputLength, long outputLength, string outputName)
    {
        KernelChecks.NotLess(batch, 0, kernel, nameof(batch));
        KernelChecks.NotLess(channels, 1, kernel, nameof(channels));
        KernelChecks.NotLess(spatial, 1, kernel, nameof(spatial));
        KernelChecks.Length(Length(inputLength), kernel, "x", "[batch, channels, spatial]", batch, channels, spatial);
        KernelChecks.Length(Length(outputLength), kernel, outputName, "[batch, channels, spatial]", batch, channels, spatial);
    }

    private static void CheckAffine(int channels, string kernel, long gammaLength, long betaLength)
    {
        KernelChecks.EmptyOrExactly(Length(gammaLength), channels, kernel, "gamma", "[channels]");
        KernelChecks.EmptyOrExactly(Length(betaLength), channels, kernel, "beta", "[channels]");
        if ((gammaLength == 0) != (betaLength == 0))
            throw new ArgumentException($"{kernel}: gamma and beta must both be given (affine) or both be empty.", "beta");
    }

    private static void CheckEpsilon(float epsilon, string kernel)
    {
        if (!(epsilon > 0f))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{kernel}: epsilon must be positive.");
    }

    private static int Length(long length) => (int)Math.Min(length, int.MaxValue);
}
