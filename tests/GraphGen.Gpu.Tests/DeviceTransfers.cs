using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Tests;

/// <summary>Runs a device kernel on copies of host arrays and brings the arrays back, for comparisons with the CPU kernels.</summary>
internal static class DeviceTransfers
{
    /// <summary>Uploads each array, calls <paramref name="launch"/> with their device views, waits, and returns every array's contents afterwards.</summary>
    public static float[][] Run(this GpuDevice device, Action<ArrayView<float>[]> launch, params float[][] arrays)
    {
        var buffers = arrays.Select(a => device.Accelerator.Allocate1D(a)).ToArray();
        try
        {
            launch([.. buffers.Select(b => (ArrayView<float>)b.View)]);
            device.Synchronize();
            return [.. buffers.Select(b => b.GetAsArray1D())];
        }
        finally
        {
            foreach (var buffer in buffers) buffer.Dispose();
        }
    }
}

/// <summary>Bit-for-bit comparisons (0 and −0, and NaN payloads, are told apart).</summary>
internal static class Bits
{
    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: device {actual[i]:R}, CPU {expected[i]:R} (not the same bits)");
    }

    /// <summary>Asserts both runs gave the same bits (NaN payloads and signed zeros included).</summary>
    public static void Same(float[] first, float[] second, string what)
    {
        Assert.Equal(first.Length, second.Length);
        for (int i = 0; i < first.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(first[i]) == BitConverter.SingleToInt32Bits(second[i]),
                $"{what}[{i}]: {first[i]} then {second[i]}");
    }
}
