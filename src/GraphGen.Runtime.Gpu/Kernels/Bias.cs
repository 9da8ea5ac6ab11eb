using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// dBias[c] (+)= Σ_r dY[r, c]: one thread per column adding its rows in order from 0, the same
/// chain of adds as the CPU kernel, so the sums are the same bits on both and on every launch.
/// </summary>
public static class Bias
{
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> SumRowsMethod = SumRowsKernel;

    /// <summary>dbias[c] (+)= Σ_r dy[r, c] over <paramref name="rows"/> rows of <paramref name="cols"/>.</summary>
    public static void SumRows(GpuDevice device, ArrayView<float> dy, ArrayView<float> dbias, int rows, int cols, bool accumulate)
    {
        if (cols == 0) return;
        device.Kernel(SumRowsMethod.Method, a => a.LoadAutoGroupedStreamKernel(SumRowsMethod))(cols, dy, dbias, rows, cols, accumulate ? 1 : 0);
    }

    private static void SumRowsKernel(Index1D c, ArrayView<float> dy, ArrayView<float> dbias, int rows, int cols, int accumulate)
    {
        float sum = 0f;
        for (int r = 0; r < rows; r++) sum += dy[(long)r * cols + c];
        dbias[c] = accumulate != 0 ? dbias[c] + sum : sum;
    }
}
