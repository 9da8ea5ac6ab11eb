using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// Host arrays copied to the device for a kernel test, freed together. An empty array becomes the
/// default (empty) view, as generated code passes <c>default</c> for an absent bias.
/// </summary>
internal sealed class DeviceArrays(GpuDevice device) : IDisposable
{
    private readonly List<MemoryBuffer> _buffers = [];

    public ArrayView<float> Upload(float[] values)
    {
        if (values.Length == 0) return default;
        var buffer = device.Accelerator.Allocate1D(values);
        _buffers.Add(buffer);
        return buffer.View;
    }

    public ArrayView<int> Upload(int[] values)
    {
        if (values.Length == 0) return default;
        var buffer = device.Accelerator.Allocate1D(values);
        _buffers.Add(buffer);
        return buffer.View;
    }

    /// <summary>A view of <paramref name="count"/> floats, all NaN: a kernel that forgets to write an element is caught.</summary>
    public ArrayView<float> Garbage(int count) => Upload(Enumerable.Repeat(float.NaN, count).ToArray());

    /// <summary>The view's values once every launched kernel has finished.</summary>
    public float[] Download(ArrayView<float> view)
    {
        device.Synchronize();
        var values = new float[view.Length];
        if (values.Length > 0) view.CopyToCPU(values);
        return values;
    }

    /// <inheritdoc cref="Download(ArrayView{float})"/>
    public int[] Download(ArrayView<int> view)
    {
        device.Synchronize();
        var values = new int[view.Length];
        if (values.Length > 0) view.CopyToCPU(values);
        return values;
    }

    public void Dispose()
    {
        foreach (var buffer in _buffers) buffer.Dispose();
    }
}
