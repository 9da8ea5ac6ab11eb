using GraphGen.Kernels;
using CpuKernels = GraphGen.Kernels;
using GpuKernels = GraphGen.Gpu.Kernels;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// The device's Pool2d against the CPU's. Max and average pooling gather, per input element, the
/// very chain of additions the CPU's scatter performs on it, so they must agree bit for bit (ties,
/// NaN and overlapping windows included). The global average sums in another order: 1e-6.
/// </summary>
[Collection(DeviceCollection.Name)]
public class PoolingKernelTests(DeviceFixture fixture)
{
    public static TheoryData<string, Pool2dShape, int> Shapes => new()
    {
        { "2×2 stride 2", new Pool2dShape(3, 6, 6, 2, 2, 2, 2), 2 },
        { "3×3 stride 2 pad 1 (overlapping)", new Pool2dShape(2, 7, 7, 3, 3, 2, 2, 1, 1), 2 },
        { "3×3 stride 1 pad 1", new Pool2dShape(2, 5, 6, 3, 3, 1, 1, 1, 1), 1 },
        { "rectangular", new Pool2dShape(2, 6, 9, 2, 3, 2, 3, 1, 1), 2 },
        { "ragged edge", new Pool2dShape(1, 7, 5, 2, 2, 2, 2), 3 },
    };

    /// <summary>Values on a coarse grid (many ties), with a NaN in the first plane.</summary>
    private static float[] TiedInputs(int count, ulong seed)
    {
        var x = GradientChecks.RandomInputs(count, seed);
        for (int i = 0; i < count; i++) x[i] = MathF.Round(x[i] * 2f) / 2f;
        x[count / 7] = float.NaN;
        return x;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MaxPoolingIsTheCpusBits(string name, Pool2dShape s, int batch)
    {
        var x = TiedInputs(batch * s.InputSize, 1);
        var (y, argmax) = (new float[batch * s.OutputSize], new int[batch * s.OutputSize]);
        CpuKernels.Pool2d.MaxForward(in s, batch, x, y, argmax);
        using var d = new DeviceArrays(fixture.Device);
        var (yd, ad) = (d.Garbage(y.Length), d.Upload(new int[argmax.Length]));
        GpuKernels.Pool2d.MaxForward(fixture.Device, in s, batch, d.Upload(x), yd, ad);
        Bits.Same(y, d.Download(yd), name + ": y");
        Assert.Equal(argmax, d.Download(ad));

        var dy = GradientChecks.RandomInputs(y.Length, 2);
        var old = GradientChecks.RandomInputs(x.Length, 3);
        foreach (bool accumulate in new[] { false, true })
        {
            var expected = (float[])old.Clone();
            CpuKernels.Pool2d.MaxBackward(in s, batch, dy, argmax, expected, accumulate);
            var dx = d.Upload(old);
            GpuKernels.Pool2d.MaxBackward(fixture.Device, in s, batch, d.Upload(dy), ad, dx, accumulate);
            Bits.Same(expected, d.Download(dx), $"{name}, accumulate {accumulate}: dx");
        }
        FusedBackward(name, s, batch, dy, argmax, default(Relu), d);
        FusedBackward(name, s, batch, dy, argmax, default(Sigmoid), d);
    }

    private void FusedBackward<TAct>(string name, Pool2dShape s, int batch, float[] dy, int[] argmax, TAct f, DeviceArrays d)
        where TAct : struct, IActivation<TAct>
    {
        var source = GradientChecks.RandomInputs(batch * s.InputSize, 4, low: -0.5f, high: 1f);
        var expected = new float[source.Length];
        CpuKernels.Pool2d.MaxBackward(in s, batch, dy, argmax, expected, f, source);
        var dx = d.Garbage(source.Length);
        GpuKernels.Pool2d.MaxBackward(fixture.Device, in s, batch, d.Upload(dy), d.Upload(argmax), dx, f, d.Upload(source));
        Bits.Same(expected, d.Download(dx), $"{name}, fused {typeof(TAct).Name}′: dx");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AveragePoolingIsTheCpusBits(string name, Pool2dShape s, int batch)
    {
        var x = GradientChecks.RandomInputs(batch * s.InputSize, 5);
        var y = new float[batch * s.OutputSize];
        CpuKernels.Pool2d.AverageForward(in s, batch, x, y);
        using var d = new DeviceArrays(fixture.Device);
        var yd = d.Garbage(y.Length);
        GpuKernels.Pool2d.AverageForward(fixture.Device, in s, batch, d.Upload(x), yd);
        Bits.Same(y, d.Download(yd), name + ": y");

        var dy = GradientChecks.RandomInputs(y.Length, 6);
        var old = GradientChecks.RandomInputs(x.Length, 7);
        foreach (bool accumulate in new[] { false, true })
        {
            var expected = (float[])old.Clone();
            CpuKernels.Pool2d.AverageBackward(in s, batch, dy, expected, accumulate);
            var dx = d.Upload(old);
            GpuKernels.Pool2d.AverageBackward(fixture.Device, in s, batch, d.Upload(dy), dx, accumulate);
            Bits.Same(expected, d.Download(dx), $"{name}, accumulate {accumulate}: dx");
        }
    }

    [Theory]
    [InlineData(2, 3, 49)]
    [InlineData(3, 2, 5)]
    public void GlobalAveragePoolingMatchesTheCpu(int batch, int channels, int planeSize)
    {
        var x = GradientChecks.RandomInputs(batch * channels * planeSize, 8);
        var y = new float[batch * channels];
        CpuKernels.Pool2d.GlobalAverageForward(batch, channels, planeSize, x, y);
        using var d = new DeviceArrays(fixture.Device);
        var yd = d.Garbage(y.Length);
        GpuKernels.Pool2d.GlobalAverageForward(fixture.Device, batch, channels, planeSize, d.Upload(x), yd);
        Close.All(y, d.Download(yd), 1e-6, "y");

        var dy = GradientChecks.RandomInputs(y.Length, 9);
        var old = GradientChecks.RandomInputs(x.Length, 10);
        foreach (bool accumulate in new[] { false, true })
        {
            var expected = (float[])old.Clone();
            CpuKernels.Pool2d.GlobalAverageBackward(batch, channels, planeSize, dy, expected, accumulate);
            var dx = d.Upload(old);
            GpuKernels.Pool2d.GlobalAverageBackward(fixture.Device, batch, channels, planeSize, d.Upload(dy), dx, accumulate);
            Bits.Same(expected, d.Download(dx), $"accumulate {accumulate}: dx");
        }
    }

    [Fact]
    public void BadArgumentsAreRejectedBeforeAnythingRuns()
    {
        var s = new Pool2dShape(2, 4, 4, 2, 2, 2, 2);
        using var d = new DeviceArrays(fixture.Device);
        var e = Assert.Throws<ArgumentException>(() => GpuKernels.Pool2d.MaxForward(fixture.Device, in s, 1, d.Garbage(s.InputSize), d.Garbage(s.OutputSize),
            d.Upload(new int[s.OutputSize - 1])));
        Assert.Contains("Pool2d.MaxForward: argmax must hold 8 floats", e.Message);
        // GELU's derivative needs its input, which max pooling never sees.
        Assert.Throws<ArgumentException>(() => GpuKernels.Pool2d.MaxBackward(fixture.Device, in s, 1, d.Garbage(s.OutputSize), d.Upload(new int[s.OutputSize]),
            d.Garbage(s.InputSize), default(Gelu), d.Garbage(s.InputSize)));
    }
}
