using GpuKernels = GraphGen.Gpu.Kernels;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// <see cref="KernelProfile"/>: every launch through the device is counted under its kernel's name
/// (runtime kernels by type and method), with its time; nothing is counted without a profile.
/// </summary>
[Collection(DeviceCollection.Name)]
public class KernelProfileTests(DeviceFixture fixture)
{
    private GpuDevice Device => fixture.Device;

    [Fact]
    public void CountsEachKernelsLaunchesByName()
    {
        const int rows = 40, cols = 6;   // more rows than a bias block: the sum takes two launches
        using var d = new DeviceArrays(Device);
        var x = d.Upload(GradientChecks.RandomInputs(rows * cols, 1));
        var (bias, y, mean, invStd) = (d.Garbage(cols), d.Garbage(rows * cols), d.Garbage(rows), d.Garbage(rows));
        var profile = new KernelProfile();
        Device.Profile = profile;
        try
        {
            GpuKernels.Bias.SumRows(Device, x, bias, rows, cols, accumulate: false);
            GpuKernels.LayerNorm.Forward(Device, rows, cols, x, default, default, y, mean, invStd);
            profile.Stop(Device);
        }
        finally
        {
            Device.Profile = null;
        }
        var kernels = profile.Kernels.ToDictionary(k => k.Kernel, k => k.Calls);
        Assert.Equal(new Dictionary<string, int> { ["Bias.SumBlocksKernel"] = 2, ["LayerNorm.ForwardKernel"] = 1 }, kernels);
        Assert.All(profile.Kernels, k => Assert.True(k.Seconds > 0, k.Kernel));
        Assert.Equal(profile.Kernels.Sum(k => k.Seconds), profile.TotalSeconds, 12);

        GpuKernels.Bias.SumRows(Device, x, bias, rows, cols, accumulate: false);   // detached: not counted
        Assert.Equal(3, profile.Kernels.Sum(k => k.Calls));
        profile.Clear();
        Assert.Empty(profile.Kernels);
    }
}
