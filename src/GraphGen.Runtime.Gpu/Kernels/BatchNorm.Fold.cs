using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

public static partial class BatchNorm
{
    private static readonly Action<Index1D, FoldArgs> FoldMethod = FoldKernel;

    /// <summary>
    /// Inference BatchNorm folded into the convolution before it (the CPU's
    /// <c>GraphGen.Kernels.BatchNorm.FoldIntoConvolution</c>, the same double arithmetic):
    /// W'[o, ·] = s[o]·W[o, ·], b'[o] = β[o] + (b[o] − μ[o])·s[o] with s[o] = γ[o]/√(running_var[o] + ε).
    /// One thread per folded weight and per folded bias.
    /// </summary>
    public static void FoldIntoConvolution(GpuDevice device, int outChannels, int rowSize, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> runningMean, ArrayView<float> runningVar,
        ArrayView<float> foldedWeight, ArrayView<float> foldedBias, float epsilon = 1e-5f)
    {
        const string Kernel = "BatchNorm.FoldIntoConvolution";
        KernelChecks.NotLess(outChannels, 1, Kernel, nameof(outChannels));
        KernelChecks.NotLess(rowSize, 1, Kernel, nameof(rowSize));
        KernelChecks.Length(Length(weight.Length), Kernel, nameof(weight), "[outChannels, rowSize]", outChannels, rowSize);
        KernelChecks.Length(Length(foldedWeight.Length), Kernel, nameof(foldedWeight), "[outChannels, rowSize]", outChannels, rowSize);
        KernelChecks.EmptyOrExactly(Length(bias.Length), outChannels, Kernel, nameof(bias), "[outChannels]");
        KernelChecks.Length(Length(foldedBias.Length), Kernel, nameof(foldedBias), "[outChannels]", outChannels);
        CheckAffine(outChannels, Kernel, gamma.Length, beta.Length);
        KernelChecks.AtLeast(Length(runningMean.Length), outChannels, Kernel, nameof(runningMean), "[outChannels]");
        KernelChecks.AtLeast(Length(runningVar.Length), outChannels, Kernel, nameof(runningVar), "[outChannels]");
        CheckEpsilon(epsilon, Kernel);
        var args = new FoldArgs(outChannels, rowSize, epsilon, weight, bias, gamma, beta, runningMean, runningVar, foldedWeight, foldedBias);
        device.Kernel(FoldMethod.Method, a => a.LoadAutoGroupedStreamKernel(FoldMethod))(outChannels * rowSize + outChannels, args);
    }

    internal readonly struct FoldArgs(int outChannels, int rowSize, float epsilon, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> runningMean, ArrayView<float> runningVar,
        ArrayView<float> foldedWeight, ArrayView<float> foldedBias)
    {
        public readonly int OutChannels = outChannels, RowSize = rowSize;
        public readonly float Epsilon = epsilon;
        public readonly ArrayView<float> Weight = weight, Bias = bias, Gamma = gamma, Beta = beta, RunningMean = runningMean, RunningVar = runningVar;
        public readonly ArrayView<float> FoldedWeight = foldedWeight, FoldedBias = foldedBias;
    }

    /// <summary>Element i: a folded weight (i &lt; OC·rowSize) or, after them, a folded bias.</summary>
    private static void FoldKernel(Index1D i, FoldArgs a)
    {
        int weights = a.OutChannels * a.RowSize;
        int o = i < weights ? i / a.RowSize : i - weights;
        double s = (a.Gamma.Length == 0 ? 1.0 : a.Gamma[o]) / Math.Sqrt((double)a.RunningVar[o] + a.Epsilon);
        if (i < weights) a.FoldedWeight[i] = (float)(a.Weight[i] * s);
        else a.FoldedBias[o] = (float)((a.Beta.Length == 0 ? 0.0 : a.Beta[o]) + ((a.Bias.Length == 0 ? 0.0 : a.Bias[o]) - a.RunningMean[o]) * s);
    }
}
