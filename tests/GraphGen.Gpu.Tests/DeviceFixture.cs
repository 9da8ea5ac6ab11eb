namespace GraphGen.Gpu.Tests;

/// <summary>One ILGPU CPU accelerator for the whole test run (creating one takes a while).</summary>
public sealed class DeviceFixture : IDisposable
{
    public GpuDevice Device { get; } = GpuDevice.CpuSimulator();

    public void Dispose() => Device.Dispose();
}

[CollectionDefinition(Name)]
public sealed class DeviceCollection : ICollectionFixture<DeviceFixture>
{
    public const string Name = "ILGPU CPU accelerator";
}

/// <summary>Comparisons with a tolerance relative to the values' scale.</summary>
internal static class Close
{
    /// <summary>|actual − expected| ≤ tolerance · max(1, max |expected|) elementwise.</summary>
    public static void All(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1;
        foreach (float e in expected) scale = Math.Max(scale, Math.Abs(e));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * scale,
                $"{what}[{i}]: device {actual[i]}, CPU {expected[i]} (tolerance {tolerance} × {scale})");
    }
}
