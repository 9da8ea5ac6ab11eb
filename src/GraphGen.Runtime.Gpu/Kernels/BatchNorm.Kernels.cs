using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

public static partial class BatchNorm
{
    /// <summary>Values of a channel that one thread adds in order before the chunks meet.</summary>
    internal const int ChunkSize = 256;

    private static readonly Action<Index1D, NormArgs, ArrayView<double>, int, int> ChunkSumsMethod = ChunkSumsKernel;
    private static readonly Action<Index1D, NormArgs, ArrayView<double>, int, int> MeansMethod = MeanKernel;
    private static readonly Action<Index1D, NormArgs, ArrayView<double>, int, int> StatisticsMethod = StatisticsKernel;
    private static readonly Action<Index1D, NormArgs, ArrayView<double>, int, int> NormalizeMethod = NormalizeKernel;
    private static readonly Action<Index1D, NormArgs> InferenceMethod = InferenceKernel;
    private static readonly Action<Index1D, NormArgs, ArrayView<double>, int, int> ChannelGradientsMethod = ChannelGradientsKernel;
    private static readonly Action<Index1D, NormArgs, ArrayView<double>, int, int> GradientMethod = GradientKernel;

    /// <summary>What the chunk sums add: x; (x − μ)²; dy and dy·(x − μ).</summary>
    private enum Pass { Sum, Squares, Gradient }

    /// <summary>
    /// Device scratch as doubles: two partial sums per (channel, chunk) at [2·(c·chunks + k)], then
    /// four values per channel at [2·channels·chunks + 4c]: μ and invstd (training), or the
    /// gradient's coefficients a, b, c (backward).
    /// </summary>
    private static ArrayView<double> Work(GpuDevice device, in NormArgs args, out int chunks)
    {
        long count = (long)args.Batch * args.Spatial;
        chunks = (int)((count + ChunkSize - 1) / ChunkSize);
        long doubles = 2L * args.Channels * chunks + 4L * args.Channels;
        return device.Scratch(2 * doubles).Cast<double>();
    }

    private static void Launch(GpuDevice device, Action<Index1D, NormArgs, ArrayView<double>, int, int> kernel, int threads,
        NormArgs args, ArrayView<double> work, int chunks, int pass)
    {
        if (threads > 0) device.Kernel(kernel.Method, a => a.LoadAutoGroupedStreamKernel(kernel))(threads, args, work, chunks, pass);
    }

    /// <summary>One pass's operands and sizes as one kernel parameter (empty views for those the pass does not use).</summary>
    internal readonly struct NormArgs(int batch, int channels, int spatial, float momentum, float epsilon, bool accumulate,
        ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y, ArrayView<float> mean, ArrayView<float> invStd,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> dgamma, ArrayView<float> dbeta)
    {
        public readonly int Batch = batch, Channels = channels, Spatial = spatial;
        public readonly float Momentum = momentum, Epsilon = epsilon;
        public readonly int Accumulate = accumulate ? 1 : 0;
        public readonly int HasGamma = gamma.Length > 0 ? 1 : 0, HasBeta = beta.Length > 0 ? 1 : 0, HasRunning = runningMean.Length > 0 ? 1 : 0;
        public readonly int HasDGamma = dgamma.Length > 0 ? 1 : 0, HasDBeta = dbeta.Length > 0 ? 1 : 0;
        public readonly ArrayView<float> X = x, Gamma = gamma, Beta = beta, Y = y, Mean = mean, InvStd = invStd;
        public readonly ArrayView<float> RunningMean = runningMean, RunningVar = runningVar, Dy = dy, Dx = dx, DGamma = dgamma, DBeta = dbeta;

        public int Count => Batch * Spatial;

        /// <summary>Index of the e-th value of channel c, e = b·spatial + p.</summary>
        public int At(int c, int e) => (e / Spatial * Channels + c) * Spatial + e % Spatial;

        /// <summary>The channel of element i.</summary>
        public int ChannelOf(int i) => i / Spatial % Channels;

        public double GammaOf(int c) => HasGamma != 0 ? Gamma[c] : 1.0;

        public double BetaOf(int c) => HasBeta != 0 ? Beta[c] : 0.0;

        /// <summary>Where channel c's four values start in the scratch.</summary>
        public int ChannelSlot(int c, int chunks) => 2 * Channels * chunks + 4 * c;
    }

    /// <summary>Thread (c, k): chunk k of channel c added in order, from 0 (the pass says what is added).</summary>
    private static void ChunkSumsKernel(Index1D index, NormArgs a, ArrayView<double> work, int chunks, int pass)
    {
        int c = index / chunks, k = index % chunks;
        int first = k * ChunkSize, end = Math.Min(a.Count, first + ChunkSize);
        double sum = 0, second = 0;
        if (pass == (int)Pass.Sum)
        {
            for (int e = first; e < end; e++) sum += a.X[a.At(c, e)];
        }
        else if (pass == (int)Pass.Squares)
        {
            double mean = work[a.ChannelSlot(c, chunks)];
            for (int e = first; e < end; e++)
            {
                double d = a.X[a.At(c, e)] - mean;
                sum += d * d;
            }
        }
        else
        {
            double mean = a.Mean[c];
            for (int e = first; e < end; e++)
            {
                int i = a.At(c, e);
                double g = a.Dy[i];
                sum += g;
                second += g * (a.X[i] - mean);
            }
        }
        work[2 * index] = sum;
        work[2 * index + 1] = second;
    }

    /// <summary>Σ over channel c's chunks, in order, of the partial sum in <paramref name="slot"/> (0 or 1).</summary>
    private static double ChunkTotal(ArrayView<double> work, int c, int chunks, int slot)
    {
        double total = 0;
        for (int k = 0; k < chunks; k++) total += work[2 * (c * chunks + k) + slot];
        return total;
    }

    /// <summary>Channel c: μ = Σx / N.</summary>
    private static void MeanKernel(Index1D c, NormArgs a, ArrayView<double> work, int chunks, int pass) =>
        work[a.ChannelSlot(c, chunks)] = ChunkTotal(work, c, chunks, 0) / a.Count;

    /// <summary>Channel c: σ² and invstd; μ and invstd saved; the running averages moved (σ² unbiased there).</summary>
    private static void StatisticsKernel(Index1D c, NormArgs a, ArrayView<double> work, int chunks, int pass)
    {
        int slot = a.ChannelSlot(c, chunks);
        long count = a.Count;
        double mean = work[slot], squares = ChunkTotal(work, c, chunks, 0);
        double invStd = 1.0 / Math.Sqrt(squares / count + a.Epsilon);
        work[slot + 1] = invStd;
        a.Mean[c] = (float)mean;
        a.InvStd[c] = (float)invStd;
        if (a.HasRunning == 0) return;
        a.RunningMean[c] = (float)((1.0 - a.Momentum) * a.RunningMean[c] + a.Momentum * mean);
        a.RunningVar[c] = (float)((1.0 - a.Momentum) * a.RunningVar[c] + a.Momentum * (squares / (count - 1)));
    }

    /// <summary>Element i: y = (float)((x − μ)·(γ·invstd) + β).</summary>
    private static void NormalizeKernel(Index1D i, NormArgs a, ArrayView<double> work, int chunks, int pass)
    {
        int c = a.ChannelOf(i), slot = a.ChannelSlot(c, chunks);
        a.Y[i] = (float)((a.X[i] - work[slot]) * (a.GammaOf(c) * work[slot + 1]) + a.BetaOf(c));
    }

    /// <summary>Element i with its channel's running statistics: y = (float)((x − rμ)·(γ/√(rσ² + ε)) + β).</summary>
    private static void InferenceKernel(Index1D i, NormArgs a)
    {
        int c = a.ChannelOf(i);
        double mean = a.RunningMean[c], invStd = 1.0 / Math.Sqrt((double)a.RunningVar[c] + a.Epsilon);
        a.Y[i] = (float)((a.X[i] - mean) * (a.GammaOf(c) * invStd) + a.BetaOf(c));
    }

    /// <summary>
    /// Channel c: Σdy and Σdy·x̂ = invstd·Σdy·(x − μ); dγ and dβ written or added; the coefficients of
    /// dx = a·dy + b·x̂ + c with a = γ·invstd, b = −(γ·invstd/N)·Σdy·x̂, c = −(γ·invstd/N)·Σdy.
    /// </summary>
    private static void ChannelGradientsKernel(Index1D c, NormArgs a, ArrayView<double> work, int chunks, int pass)
    {
        double sumDy = ChunkTotal(work, c, chunks, 0), invStd = a.InvStd[c];
        double sumDyXhat = ChunkTotal(work, c, chunks, 1) * invStd;
        if (a.HasDGamma != 0) a.DGamma[c] = a.Accumulate != 0 ? a.DGamma[c] + (float)sumDyXhat : (float)sumDyXhat;
        if (a.HasDBeta != 0) a.DBeta[c] = a.Accumulate != 0 ? a.DBeta[c] + (float)sumDy : (float)sumDy;
        long count = a.Count;
        if (count == 0) return;
        double scale = a.GammaOf(c) * invStd / count;
        int slot = a.ChannelSlot(c, chunks);
        work[slot] = scale * count;
        work[slot + 1] = -scale * sumDyXhat;
        work[slot + 2] = -scale * sumDy;
    }

    /// <summary>Element i: dx (+)= (float)(a·dy + b·(x − μ)·invstd + c).</summary>
    private static void GradientKernel(Index1D i, NormArgs a, ArrayView<double> work, int chunks, int pass)
    {
        int c = a.ChannelOf(i), slot = a.ChannelSlot(c, chunks);
        double xhat = (a.X[i] - (double)a.Mean[c]) * a.InvStd[c];
        float g = (float)(work[slot] * a.Dy[i] + work[slot + 1] * xhat + work[slot + 2]);
        a.Dx[i] = a.Accumulate != 0 ? a.Dx[i] + g : g;
    }
}
