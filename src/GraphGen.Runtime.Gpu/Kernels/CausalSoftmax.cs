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
/// One thread per row (count·t threads), summing its columns in index order: deterministic, and
/// within float rounding of the CPU, whose exponentials are a vector polynomial summed per lane.
/// </summary>
public static class CausalSoftmax
{
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> ForwardMethod = ForwardKernel;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> BackwardMethod = BackwardKernel;

    /// <summary>y = causal softmax of <paramref name="scores"/>: <paramref name="count"/> blocks of [t, t], row i over columns j ≤ i (the rest exactly 0).</summary>
    public static void Forward(GpuDevice device, int count, int t, ArrayView<float> scores, ArrayView<float> y)
    {
        const string Kernel = "CausalSoftmax.Forward";
        Check(Kernel, count, t, ViewLength.Of(scores), nameof(scores), ViewLength.Of(y), nameof(y));
        if (count == 0) return;
        device.Kernel(ForwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(ForwardMethod))(count * t, scores, y, t);
    }

    /// <summary>dx (+)= y ⊙ (dy − Σ_j dy_j·y_j) per row of each block; masked entries (y = 0) get no gradient (0, or left as they are when accumulating).</summary>
    public static void Backward(GpuDevice device, int count, int t, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, bool accumulate)
    {
        const string Kernel = "CausalSoftmax.Backward";
        Check(Kernel, count, t, ViewLength.Of(y), nameof(y), ViewLength.Of(dx), nameof(dx));
        KernelChecks.Length(ViewLength.Of(dy), Kernel, nameof(dy), "[count, t, t]", count, t, t);
        if (count == 0) return;
        device.Kernel(BackwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(BackwardMethod))(count * t, y, dy, dx, t, accumulate ? 1 : 0);
    }

    private static void Check(string kernel, int count, int t, int inputLength, string inputName, int outputLength, string outputName)
    {
        KernelChecks.NotLess(count, 0, kernel, nameof(count));
        KernelChecks.NotLess(t, 1, kernel, nameof(t));
        KernelChecks.Length(inputLength, kernel, inputName, "[count, t, t]", count, t, t);
        KernelChecks.Length(outputLength, kernel, outputName, "[count, t, t]", count, t, t);
    }

    /// <summary>Row <paramref name="r"/> of all count·t rows: row i = r mod t of its block.</summary>
    private static void ForwardKernel(Index1D r, ArrayView<float> s, ArrayView<float> y, int t)
    {
        long row = (long)(int)r * t;
        int live = r % t + 1;
        float max = float.NegativeInfinity;
        for (int j = 0; j < live; j++) max = MathF.Max(max, s[row + j]);
        float sum = 0f;
        for (int j = 0; j < live; j++)
        {
            float e = MathF.Exp(s[row + j] - max);
            y[row + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < live; j++) y[row + j] *= inv;
        for (int j = live; j < t; j++) y[row + j] = 0f;
    }

    private static void BackwardKernel(Index1D r, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int t, int accumulate)
    {
        long row = (long)(int)r * t;
        int live = r % t + 1;
        float dot = 0f;
        for (int j = 0; j < live; j++) dot += dy[row + j] * y[row + j];
        for (int j = 0; j < live; j++)
        {
            float g = y[row + j] * (dy[row + j] - dot);
            dx[row + j] = accumulate != 0 ? dx[row + j] + g : g;
        }
        if (accumulate == 0)
            for (int j = live; j < t; j++) dx[row + j] = 0f;
    }
}
