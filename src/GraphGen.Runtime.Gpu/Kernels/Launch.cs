using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// Launch helpers: a kernel is a static method, compiled once per device (<see cref="GpuDevice.Kernel{TDelegate}(System.Reflection.MethodInfo, Func{Accelerator, TDelegate})"/>)
/// and launched on the device's default stream. Elementwise kernels are "auto-grouped" (ILGPU picks
/// the group size); kernels with shared memory and barriers give their groups explicitly.
/// </summary>
internal static class Launch
{
    /// <summary>Grid of ⌈n / group⌉ groups of <paramref name="group"/> threads.</summary>
    public static KernelConfig Groups(long n, int group) => new((int)((n + group - 1) / group), group);

    public static AcceleratorStream Stream(this GpuDevice device) => device.Accelerator.DefaultStream;

    /// <summary>Threads per group for explicitly grouped one-dimensional kernels.</summary>
    public const int GroupSize = 256;
}
