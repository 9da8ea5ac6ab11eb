using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// y = f(x) and dx (+)= dy ⊙ f′(s) over tensors, one thread per element, with the activation's
/// scalar form (<see cref="IActivation{TSelf}"/>, the same struct the CPU kernels use).
/// </summary>
public static class Activations
{
    /// <summary>y = f(x).</summary>
    public static void Forward<TAct>(GpuDevice device, TAct activation, ArrayView<float> x, ArrayView<float> y)
        where TAct : struct, IActivation<TAct>
    {
        if (x.Length == 0) return;
        device.Kernel(Kernels<TAct>.Forward.Method, a => a.LoadAutoGroupedStreamKernel(Kernels<TAct>.Forward))((int)x.Length, x, y, activation);
    }

    /// <summary>dx (+)= dy ⊙ f′(s), s the activation's output, or its input for those whose derivative needs it.</summary>
    public static void Backward<TAct>(GpuDevice device, TAct activation, ArrayView<float> source, ArrayView<float> dy, ArrayView<float> dx, bool accumulate)
        where TAct : struct, IActivation<TAct>
    {
        if (dy.Length == 0) return;
        device.Kernel(Kernels<TAct>.Backward.Method, a => a.LoadAutoGroupedStreamKernel(Kernels<TAct>.Backward))((int)dy.Length, source, dy, dx, accumulate ? 1 : 0, activation);
    }

    private static class Kernels<TAct> where TAct : struct, IActivation<TAct>
    {
        public static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, TAct> Forward = ForwardKernel;
        public static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, TAct> Backward = BackwardKernel;
    }

    private static void ForwardKernel<TAct>(Index1D i, ArrayView<float> x, ArrayView<float> y, TAct f) where TAct : struct, IActivation<TAct> =>
        y[i] = f.Forward(x[i]);

    private static void BackwardKernel<TAct>(Index1D i, ArrayView<float> s, ArrayView<float> dy, ArrayView<float> dx, int accumulate, TAct f)
        where TAct : struct, IActivation<TAct>
    {
        float g = dy[i] * f.Derivative(s[i]);
        dx[i] = accumulate != 0 ? dx[i] + g : g;
    }
}
