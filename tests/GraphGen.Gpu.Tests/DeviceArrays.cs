using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Tests;

/// <summary>Device buffers for kernel tests: upload, run, download.</summary>
internal sealed class DeviceArrays(GpuDevice device) : IDisposable
{
    private readonly List<MemoryBuffer> _buffers = [];

    public ArrayView<float> Upload(float[] values)
    {
        var buffer = device.Accelerator.Allocate1D<float>(Math.Max(1, values.Length));
        if (values.Length > 0) buffer.CopyFromCPU(values);
        _buffers.Add(buffer);
        return ((ArrayView<float>)buffer.View).SubView(0, values.Length);
    }

    public ArrayView<int> Upload(int[] values)
    {
        var buffer = device.Accelerator.Allocate1D<int>(Math.Max(1, values.Length));
        if (values.Length > 0) buffer.CopyFromCPU(values);
        _buffers.Add(buffer);
        return ((ArrayView<int>)buffer.View).SubView(0, values.Length);
    }

    public static float[] Download(ArrayView<float> view)
    {
        var host = new float[view.Length];
        if (host.Length > 0) view.CopyToCPU(host);
        return host;
    }

    public void Dispose()
    {
        foreach (var buffer in _buffers) buffer.Dispose();
    }
}
