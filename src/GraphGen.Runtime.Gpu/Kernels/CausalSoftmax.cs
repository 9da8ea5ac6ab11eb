using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// Softmax over the rows of count blocks of [t, t] attention scores on the device, row i attending
/// only to columns j ≤ i (the CPU's <c>GraphGen.Kernels.CausalSoftmax</c>):
/// <code>
/// forward   y[i, j] = exp(s[i, j] − m_i) / Σ_{k ≤ i} exp(s[i, k] − m_i)  for j ≤ i,  m_i = max_{k ≤ i} s[i, k]
///           y[i, j] = 0                                                    for j &gt; i
/// backward  dx[i, j] = y[i, j]·(dy[i, j] − Σ_{k ≤ i} dy[i, k]·y[i, k])      for j ≤ i,  0 for j &gt; i
/// </code>
/// With a <c>scale</c> c, as on the CPU: forward reads s = c·x, backward writes c·(its result).
/// One warp per row (<see cref="WarpRows"/>): lanes take strided columns, the row's maximum and sum
/// come from a butterfly; deterministic, and within float rounding of the CPU, whose exponentials
/// are a vector polynomial summed per lane.
/// </summary>
public static class CausalSoftmax
{
    private static readonly Action<ArrayView<float>, ArrayView<float>, int, int, float> ForwardMethod = ForwardKernel;
    private static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float> BackwardMethod = BackwardKernel;

    /// <summary>y = causal softmax of <paramref name="scores"/>: <paramref name="count"/> blocks of [t, t], row i over columns j ≤ i (the rest exactly 0).</summary>
    public static void Forward(GpuDevice device, int count, int t, ArrayView<float> scores, ArrayView<float> y, float scale = 1f)
    {
        const string Kernel = "CausalSoftmax.Forward";
        Check(Kernel, count, t, ViewLength.Of(scores), nameof(scores), ViewLength.Of(y), nameof(y));
        if (count == 0) return;
        device.Kernel(ForwardMethod.Method, a => a.LoadStreamKernel(ForwardMethod))(WarpRows.Config(device, count * t), scores, y, count * t, t, scale);
    }

    /// <summary>dx (+)= scale·(y ⊙ (dy − Σ_j dy_j·y_j)) per row of each block; masked entries (y = 0) get no gradient (0, or left as they are when accumulating).</summary>
    public static void Backward(GpuDevice device, int count, int t, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, bool accumulate, float scale = 1f)
    {
        const string Kernel = "CausalSoftmax.Backward";
        Check(Kernel, count, t, ViewLength.Of(y), nameof(y), ViewLength.Of(dx), nameof(dx));
        KernelChecks.Length(ViewLength.Of(dy), Kernel, nameof(dy), "[count, t, t]", count, t, t);
        if (count == 0) return;
        device.Kernel(BackwardMethod.Method, a => a.LoadStreamKernel(BackwardMethod))(WarpRows.Config(device, count * t), y, dy, dx, count * t, t, accumulate ? 1 : 0, scale);
    }

    private static void Check(string kernel, int count, int t, int inputLength, string inputName, int outputLength, string outputName)
    {
        KernelChecks.NotLess(count, 0, kernel, nameof(count));
        KernelChecks.NotLess(t, 1, kernel, nameof(t));
        KernelChecks.Length(inputLength, kernel, inputName, "[count, t, t]", count, t, t);
        KernelChecks.Length(outputLength, kernel, outputName, "[count, t, t]", count, t, t);
    }

    /// <summary>One row per warp (<see cref="WarpRows"/>): row r of a t × t block keeps columns 0..r % t; the rest become exactly 0.</summary>
    private static void ForwardKernel(ArrayView<float> s, ArrayView<float> y, int rows, int t, float scale)
    {
        int r = WarpRows.Row;
        if (r >= rows) return;
        long row = (long)r * t;
        int live = r % t + 1;
        float max = float.NegativeInfinity;
        for (int j = Warp.LaneIdx; j < live; j += Warp.WarpSize) max = MathF.Max(max, s[row + j] * scale);
        max = WarpRows.Max(max);
        float sum = 0f;
        for (int j = Warp.LaneIdx; j < live; j += Warp.WarpSize) sum += MathF.Exp(s[row + j] * scale - max);
        float inv = 1f / WarpRows.Sum(sum);
        for (int j = Warp.LaneIdx; j < t; j += Warp.WarpSize) y[row + j] = j < live ? MathF.Exp(s[row + j] * scale - max) * inv : 0f;
    }

    /// <summary>One row per warp: dx = y ⊙ (dy − Σ dy·y) over the live columns; masked columns get 0 (or keep dx when accumulating).</summary>
    private static void BackwardKernel(ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int rows, int t, int accumulate, float scale)
    {
        int r = WarpRows.Row;
        if (r >= rows) return;
        long row = (long)r * t;
        int live = r % t + 1;
        float dot = 0f;
        for (int j = Warp.LaneIdx; j < live; j += Warp.WarpSize) dot += dy[row + j] * y[row + j];
        dot = WarpRows.Sum(dot);
        for (int j = Warp.LaneIdx; j < t; j += Warp.WarpSize)
        {
            if (j < live)
            {
                float g = y[row + j] * (dy[row + j] - dot) * scale;
                dx[row + j] = accumulate != 0 ? dx[row + j] + g : g;
            }
            else if (accumulate == 0) dx[row + j] = 0f * scale;
        }
    }
}
