using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// Inverted dropout on the device (the CPU's <c>GraphGen.Kernels.Dropout</c>): each element is
/// kept with probability 1 − p and scaled by 1/(1 − p).
/// <code>
/// forward   mask_i = keep_i ? 1/(1 − p) : 0,  y_i = x_i·mask_i
/// backward  dx_i = dy_i·mask_i
/// </code>
/// keep_i is the CPU's counter-based draw, computed by the same code (<see cref="CounterHash"/>):
/// element i of call <c>step</c> is kept iff the high 32 bits of CounterHash(seed, step, i) are
/// ≥ ⌈p·2³²⌉. Integer arithmetic only, so the mask is the CPU's bit for bit, and a network
/// trained on the device drops exactly the values it drops on the CPU.
/// </summary>
public static class Dropout
{
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, DropoutDraw> ForwardMethod = ForwardKernel;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> BackwardMethod = BackwardKernel;

    /// <summary>Draws the mask of call <paramref name="step"/> from <paramref name="seed"/> and writes y = x ⊙ mask (and the mask, for the backward pass).</summary>
    public static void Forward(GpuDevice device, ArrayView<float> x, ArrayView<float> y, ArrayView<float> mask, float p, ulong seed, ulong step)
    {
        const string Kernel = "Dropout.Forward";
        int n = ViewLength.Of(x);
        KernelChecks.Length(ViewLength.Of(y), Kernel, nameof(y), "[x.Length]", n);
        KernelChecks.Length(ViewLength.Of(mask), Kernel, nameof(mask), "[x.Length]", n);
        if (!(p >= 0f && p <= 1f))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"{Kernel}: the drop probability p must be in [0, 1].");
        if (n == 0) return;
        device.Kernel(ForwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(ForwardMethod))(n, x, y, mask, DropoutDraw.Of(p, seed, step));
    }

    /// <summary>dx (+)= dy ⊙ mask.</summary>
    public static void Backward(GpuDevice device, ArrayView<float> dy, ArrayView<float> mask, ArrayView<float> dx, bool accumulate)
    {
        const string Kernel = "Dropout.Backward";
        int n = ViewLength.Of(dy);
        KernelChecks.Length(ViewLength.Of(mask), Kernel, nameof(mask), "[dy.Length]", n);
        KernelChecks.Length(ViewLength.Of(dx), Kernel, nameof(dx), "[dy.Length]", n);
        if (n == 0) return;
        device.Kernel(BackwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(BackwardMethod))(n, dy, mask, dx, accumulate ? 1 : 0);
    }

    /// <summary>
    /// What a forward call draws: the stream's key and threshold (as the CPU computes them, on the
    /// host), the scale of kept values, and the CPU's two special cases, p = 0 (y = x, mask 1) and
    /// p = 1 (y = 0, mask 0).
    /// </summary>
    internal readonly struct DropoutDraw(ulong key, ulong threshold, float scale, int mode)
    {
        public const int Draw = 0, KeepAll = 1, DropAll = 2;
        public readonly ulong Key = key, Threshold = threshold;
        public readonly float Scale = scale;
        public readonly int Mode = mode;

        public static DropoutDraw Of(float p, ulong seed, ulong step) => p switch
        {
            0f => new DropoutDraw(0, 0, 1f, KeepAll),
            1f => new DropoutDraw(0, 0, 0f, DropAll),
            _ => new DropoutDraw(CounterHash.Key(seed, step, CounterHash.DropoutStream), (ulong)Math.Ceiling(p * 4294967296.0), 1f / (1f - p), Draw),
        };
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> mask, DropoutDraw draw)
    {
        if (draw.Mode == DropoutDraw.KeepAll)
        {
            y[i] = x[i];
            mask[i] = 1f;
            return;
        }
        if (draw.Mode == DropoutDraw.DropAll)
        {
            y[i] = 0f;
            mask[i] = 0f;
            return;
        }
        bool keep = CounterHash.At(draw.Key, (ulong)(int)i) >> 32 >= draw.Threshold;
        float m = keep ? draw.Scale : 0f;
        mask[i] = m;
        y[i] = x[i] * m;
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> dy, ArrayView<float> mask, ArrayView<float> dx, int accumulate)
    {
        float g = dy[i] * mask[i];
        dx[i] = accumulate != 0 ? dx[i] + g : g;
    }
}
