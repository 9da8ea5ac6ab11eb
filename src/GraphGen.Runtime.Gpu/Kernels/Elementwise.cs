using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>Clears and copies: the device forms of <c>Span.Clear</c> and <c>CopyTo</c>.</summary>
public static class Elementwise
{
    /// <summary>y = 0.</summary>
    public static void Clear(GpuDevice device, ArrayView<float> y)
    {
        if (y.Length > 0) y.MemSetToZero(device.Stream());
    }

    /// <summary>y = x (as many elements as x holds).</summary>
    public static void Copy(GpuDevice device, ArrayView<float> x, ArrayView<float> y)
    {
        if (x.Length > 0) x.CopyTo(y.SubView(0, x.Length));
    }

    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>> AddKernelMethod = AddKernel;

    /// <summary>y += x.</summary>
    public static void Add(GpuDevice device, ArrayView<float> x, ArrayView<float> y)
    {
        if (x.Length == 0) return;
        device.Kernel(AddKernelMethod.Method, a => a.LoadAutoGroupedStreamKernel(AddKernelMethod))((int)x.Length, x, y);
    }

    private static void AddKernel(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] += x[i];
}
