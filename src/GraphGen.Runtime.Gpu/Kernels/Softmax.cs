using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// Row-wise softmax over the last axis of a [rows, cols] matrix on the device (the CPU's
/// <c>GraphGen.Kernels.Softmax</c>): one warp per row (<see cref="WarpRows"/>): the maximum, the
/// exponentials summed over strided columns then a butterfly, one multiply by the reciprocal. A
/// row's result does not depend on how rows are spread over warps, and agrees with the CPU's to
/// float rounding.
/// </summary>
public static class Softmax
{
    private static readonly Action<ArrayView<float>, ArrayView<float>, int, int> ForwardMethod = ForwardKernel;
    private static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> BackwardMethod = BackwardKernel;

    /// <summary>y[r, j] = exp(x[r, j] − max_r) / Σ_j exp(x[r, j] − max_r). Subtracting the row maximum keeps exp from overflowing.</summary>
    public static void Forward(GpuDevice device, ArrayView<float> x, ArrayView<float> y, int rows, int cols)
    {
        const string Kernel = "Softmax.Forward";
        Check(Kernel, rows, cols);
        KernelChecks.Length(ViewLength.Of(x), Kernel, nameof(x), "[rows, cols]", rows, cols);
        KernelChecks.Length(ViewLength.Of(y), Kernel, nameof(y), "[rows, cols]", rows, cols);
        if (rows == 0 || cols == 0) return;
        device.Kernel(ForwardMethod.Method, a => a.LoadStreamKernel(ForwardMethod))(WarpRows.Config(device, rows), x, y, rows, cols);
    }

    /// <summary>dx[r, j] (+)= y[r, j] · (dy[r, j] − Σ_i dy[r, i]·y[r, i]): the softmax Jacobian-vector product.</summary>
    public static void Backward(GpuDevice device, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int rows, int cols, bool accumulate)
    {
        const string Kernel = "Softmax.Backward";
        Check(Kernel, rows, cols);
        KernelChecks.Length(ViewLength.Of(y), Kernel, nameof(y), "[rows, cols]", rows, cols);
        KernelChecks.Length(ViewLength.Of(dy), Kernel, nameof(dy), "[rows, cols]", rows, cols);
        KernelChecks.Length(ViewLength.Of(dx), Kernel, nameof(dx), "[rows, cols]", rows, cols);
        if (rows == 0 || cols == 0) return;
        device.Kernel(BackwardMethod.Method, a => a.LoadStreamKernel(BackwardMethod))(WarpRows.Config(device, rows), y, dy, dx, rows, cols, accumulate ? 1 : 0);
    }

    private static void Check(string kernel, int rows, int cols)
    {
        KernelChecks.NotLess(rows, 0, kernel, nameof(rows));
        KernelChecks.NotLess(cols, 0, kernel, nameof(cols));
    }

    /// <summary>One row per warp (<see cref="WarpRows"/>): y = e^(x − max) / Σ e^(x − max).</summary>
    private static void ForwardKernel(ArrayView<float> x, ArrayView<float> y, int rows, int cols)
    {
        int r = WarpRows.Row;
        if (r >= rows) return;
        long row = (long)r * cols;
        float max = float.NegativeInfinity;
        for (int j = Warp.LaneIdx; j < cols; j += Warp.WarpSize) max = MathF.Max(max, x[row + j]);
        max = WarpRows.Max(max);
        float sum = 0f;
        for (int j = Warp.LaneIdx; j < cols; j += Warp.WarpSize) sum += MathF.Exp(x[row + j] - max);
        float inv = 1f / WarpRows.Sum(sum);
        for (int j = Warp.LaneIdx; j < cols; j += Warp.WarpSize) y[row + j] = MathF.Exp(x[row + j] - max) * inv;
    }

    /// <summary>One row per warp: dx (+)= y ⊙ (dy − Σ dy·y).</summary>
    private static void BackwardKernel(ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int rows, int cols, int accumulate)
    {
        int r = WarpRows.Row;
        if (r >= rows) return;
        long row = (long)r * cols;
        float dot = 0f;
        for (int j = Warp.LaneIdx; j < cols; j += Warp.WarpSize) dot += dy[row + j] * y[row + j];
        dot = WarpRows.Sum(dot);
        for (int j = Warp.LaneIdx; j < cols; j += Warp.WarpSize)
        {
            float g = y[row + j] * (dy[row + j] - dot);
            dx[row + j] = accumulate != 0 ? dx[row + j] + g : g;
        }
    }
}
