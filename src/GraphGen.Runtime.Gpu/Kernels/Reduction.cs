using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// Deterministic sums on the device, with no atomics: one group of 256 threads; thread t adds
/// values t, t + 256, t + 512, ... in order, in double; then the 256 partial sums are added in a
/// fixed tree in shared memory. The same values always give the same bits, whatever the device's
/// scheduling (atomic float additions do not: their order changes from run to run).
/// </summary>
internal static class Reduction
{
    private const int Threads = 256;

    private static readonly Action<ArrayView<float>, int, ArrayView<float>, float> SumMethod = SumKernel;
    private static readonly Action<ArrayView<float>, ArrayView<float>, int, ArrayView<float>, ArrayView<float>> MeanOverMethod = MeanOverKernel;

    /// <summary>destination[0] = scale · Σ values[0..count) (in double, rounded once).</summary>
    public static void Sum(GpuDevice device, ArrayView<float> values, int count, ArrayView<float> destination, float scale = 1f)
    {
        var kernel = device.Kernel(SumMethod.Method, a => a.LoadStreamKernel(SumMethod));
        kernel(new KernelConfig(1, Threads), values, count, destination, scale);
    }

    /// <summary>
    /// sums[0] = Σ values, sums[1] = Σ weights (each as <see cref="Sum"/> computes it) and
    /// result[0] = sums[0] / sums[1] (0 when the weights add to 0), in one launch: a mean over the
    /// rows a loss scored.
    /// </summary>
    public static void MeanOver(GpuDevice device, ArrayView<float> values, ArrayView<float> weights, int count, ArrayView<float> sums, ArrayView<float> result)
    {
        var kernel = device.Kernel(MeanOverMethod.Method, a => a.LoadStreamKernel(MeanOverMethod));
        kernel(new KernelConfig(1, Threads), values, weights, count, sums, result);
    }

    private static void MeanOverKernel(ArrayView<float> values, ArrayView<float> weights, int count, ArrayView<float> sums, ArrayView<float> result)
    {
        float total = (float)GroupSum(values, count), weight = (float)GroupSum(weights, count);
        if (Group.IdxX != 0) return;
        sums[0] = total;
        sums[1] = weight;
        result[0] = weight > 0f ? total / weight : 0f;
    }

    private static void SumKernel(ArrayView<float> values, int count, ArrayView<float> destination, float scale)
    {
        double sum = GroupSum(values, count);
        if (Group.IdxX == 0) destination[0] = (float)(scale * sum);
    }

    /// <summary>Σ values[0..count) in double by the group's <see cref="Threads"/> threads (strided, then a fixed tree); every thread gets it.</summary>
    private static double GroupSum(ArrayView<float> values, int count)
    {
        var partial = SharedMemory.Allocate<double>(Threads);
        int t = Group.IdxX;
        double sum = 0;
        for (int i = t; i < count; i += Threads) sum += values[i];
        partial[t] = sum;
        Group.Barrier();
        for (int half = Threads / 2; half > 0; half /= 2)
        {
            if (t < half) partial[t] += partial[t + half];
            Group.Barrier();
        }
        double total = partial[0];
        Group.Barrier();   // the shared array may be reused by the next sum
        return total;
    }
}
