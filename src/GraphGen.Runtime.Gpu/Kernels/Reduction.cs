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

    /// <summary>destination[0] = scale · Σ values[0..count) (in double, rounded once).</summary>
    public static void Sum(GpuDevice device, ArrayView<float> values, int count, ArrayView<float> destination, float scale = 1f)
    {
        var kernel = device.Kernel(SumMethod.Method, a => a.LoadStreamKernel(SumMethod));
        kernel(new KernelConfig(1, Threads), values, count, destination, scale);
    }

    private static void SumKernel(ArrayView<float> values, int count, ArrayView<float> destination, float scale)
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
        if (t == 0) destination[0] = (float)(scale * partial[0]);
    }
}
