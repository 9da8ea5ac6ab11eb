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
    private static readonly Action<Index1D, NormArgs> WholeChannelTrainingMethod = WholeChannelTrainingKernel;
    private static readonly Action<Index1D, NormArgs> WholeChannelBackwardMethod = WholeChannelBackwardKernel;

    /// <summary>What the chunk sums add: x; (x − μ)²; dy and dy·(x − μ).</summary>
    private enum Pass { Sum, Squares, Gradient }

    /// <summary>
    /// Device scratch as doubles: two partial sums per (channel, chunk) at [2·(c·chunks + k)], then
    /// four values per channel at [2·channels·chunks + 4c]: μ and invstd (training), or the
    /// gradient's coefficients a, b, c (backward).
    /// </summary>
    private static ArrayView<double> Work(GpuDevice device, in NormArgs args, int chunks) =>
        device.Scratch(2 * (2L * args.Channels * chunks + 4L * args.Channels)).Cast<double>();

    /// <summary>Chunks of <see cref="ChunkSize"/> values per channel (0 for an empty batch).</summary>
    private static int Chunks(in NormArgs args) => (int)(((long)args.Batch * args.Spatial + ChunkSize - 1) / ChunkSize);

    /// <summary>One step of the chunked pipeline: its kernels all take (args, scratch, chunks, pass), so one launcher serves them.</summary>
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

        /// <summary>Σ x over values [first, end) of channel c, in order, in double.</summary>
        public double Sum(int c, int first, int end)
        {
            double sum = 0;
            for (int e = first; e < end; e++) sum += X[At(c, e)];
            return sum;
        }

        /// <summary>Σ (x − mean)² over values [first, end) of channel c.</summary>
        public double Squares(int c, int first, int end, double mean)
        {
            double sum = 0;
            for (int e = first; e < end; e++)
            {
                double d = X[At(c, e)] - mean;
                sum += d * d;
            }
            return sum;
        }

        /// <summary>Σ dy (returned) and Σ dy·(x − μ) (<paramref name="centered"/>) over values [first, end) of channel c, μ the saved mean.</summary>
        public double GradientSums(int c, int first, int end, out double centered)
        {
            double mean = Mean[c], sum = 0;
            centered = 0;
            for (int e = first; e < end; e++)
            {
                int i = At(c, e);
                double g = Dy[i];
                sum += g;
                centered += g * (X[i] - mean);
            }
            return sum;
        }

        /// <summary>invstd = 1/√(σ² + ε) from Σ(x − μ)²; μ and invstd saved; the running averages moved (σ² unbiased there).</summary>
        public double SaveStatistics(int c, double mean, double squares)
        {
            long count = Count;
            double invStd = 1.0 / Math.Sqrt(squares / count + Epsilon);
            Mean[c] = (float)mean;
            InvStd[c] = (float)invStd;
            if (HasRunning != 0)
            {
                RunningMean[c] = (float)((1.0 - Momentum) * RunningMean[c] + Momentum * mean);
                RunningVar[c] = (float)((1.0 - Momentum) * RunningVar[c] + Momentum * (squares / (count - 1)));
            }
            return invStd;
        }

        /// <summary>y = (float)((x − μ)·(γ·invstd) + β) at element i of channel c.</summary>
        public void Normalize(int i, int c, double mean, double invStd) => Y[i] = (float)((X[i] - mean) * (GammaOf(c) * invStd) + BetaOf(c));

        /// <summary>
        /// dγ and dβ written or added from Σdy·x̂ = invstd·Σdy·(x − μ) and Σdy; returns the coefficients of
        /// dx = a·dy + b·x̂ + c: a = γ·invstd, b = −(γ·invstd/N)·Σdy·x̂, c = −(γ·invstd/N)·Σdy.
        /// </summary>
        public (double A, double B, double C) ParameterGradients(int c, double sumDy, double sumDyCentered)
        {
            double invStd = InvStd[c], sumDyXhat = sumDyCentered * invStd;
            if (HasDGamma != 0) DGamma[c] = Accumulate != 0 ? DGamma[c] + (float)sumDyXhat : (float)sumDyXhat;
            if (HasDBeta != 0) DBeta[c] = Accumulate != 0 ? DBeta[c] + (float)sumDy : (float)sumDy;
            long count = Count;
            double scale = count == 0 ? 0 : GammaOf(c) * invStd / count;
            return (scale * count, -scale * sumDyXhat, -scale * sumDy);
        }

        /// <summary>dx (+)= (float)(a·dy + b·(x − μ)·invstd + c) at element i of channel c.</summary>
        public void Gradient(int i, int c, double a, double b, double cc)
        {
            double xhat = (X[i] - (double)Mean[c]) * InvStd[c];
            float g = (float)(a * Dy[i] + b * xhat + cc);
            Dx[i] = Accumulate != 0 ? Dx[i] + g : g;
        }
    }

    /// <summary>Channel c of at most one chunk, by one thread: the statistics, then y (the chunked pipeline's operations in its order).</summary>
    private static void WholeChannelTrainingKernel(Index1D c, NormArgs a)
    {
        int count = a.Count;
        double mean = a.Sum(c, 0, count) / count;
        double invStd = a.SaveStatistics(c, mean, a.Squares(c, 0, count, mean));
        for (int e = 0; e < count; e++) a.Normalize(a.At(c, e), c, mean, invStd);
    }

    /// <summary>Channel c of at most one chunk, by one thread: the sums, dγ, dβ, then dx.</summary>
    private static void WholeChannelBackwardKernel(Index1D c, NormArgs a)
    {
        int count = a.Count;
        double sumDy = a.GradientSums(c, 0, count, out double centered);
        var (ca, cb, cc) = a.ParameterGradients(c, sumDy, centered);
        for (int e = 0; e < count; e++) a.Gradient(a.At(c, e), c, ca, cb, cc);
    }

    /// <summary>Thread (c, k): chunk k of channel c added in order, from 0 (the pass says what is added).</summary>
    private static void ChunkSumsKernel(Index1D index, NormArgs a, ArrayView<double> work, int chunks, int pass)
    {
        int c = index / chunks, k = index % chunks;
        int first = k * ChunkSize, end = Math.Min(a.Count, first + ChunkSize);
        double sum, second = 0;
        if (pass == (int)Pass.Sum) sum = a.Sum(c, first, end);
        else if (pass == (int)Pass.Squares) sum = a.Squares(c, first, end, work[a.ChannelSlot(c, chunks)]);
        else sum = a.GradientSums(c, first, end, out second);
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

    /// <summary>Channel c: σ² and invstd from the chunks; μ and invstd saved; the running averages moved.</summary>
    private static void StatisticsKernel(Index1D c, NormArgs a, ArrayView<double> work, int chunks, int pass)
    {
        int slot = a.ChannelSlot(c, chunks);
        work[slot + 1] = a.SaveStatistics(c, work[slot], ChunkTotal(work, c, chunks, 0));
    }

    /// <summary>Element i: y = (float)((x − μ)·(γ·invstd) + β).</summary>
    private static void NormalizeKernel(Index1D i, NormArgs a, ArrayView<double> work, int chunks, int pass)
    {
        int c = a.ChannelOf(i), slot = a.ChannelSlot(c, chunks);
        a.Normalize(i, c, work[slot], work[slot + 1]);
    }

    /// <summary>Element i with its channel's running statistics: y = (float)((x − rμ)·(γ/√(rσ² + ε)) + β).</summary>
    private static void InferenceKernel(Index1D i, NormArgs a)
    {
        int c = a.ChannelOf(i);
        a.Normalize(i, c, a.RunningMean[c], 1.0 / Math.Sqrt((double)a.RunningVar[c] + a.Epsilon));
    }

    /// <summary>Channel c: Σdy and Σdy·(x − μ) from the chunks; dγ, dβ; dx's coefficients into the scratch.</summary>
    private static void ChannelGradientsKernel(Index1D c, NormArgs a, ArrayView<double> work, int chunks, int pass)
    {
        var (ca, cb, cc) = a.ParameterGradients(c, ChunkTotal(work, c, chunks, 0), ChunkTotal(work, c, chunks, 1));
        int slot = a.ChannelSlot(c, chunks);
        work[slot] = ca;
        work[slot + 1] = cb;
        work[slot + 2] = cc;
    }

    /// <summary>Element i: dx (+)= (float)(a·dy + b·(x − μ)·invstd + c).</summary>
    private static void GradientKernel(Index1D i, NormArgs a, ArrayView<double> work, int chunks, int pass)
    {
        int c = a.ChannelOf(i), slot = a.ChannelSlot(c, chunks);
        a.Gradient(i, c, work[slot], work[slot + 1], work[slot + 2]);
    }
}
