using GraphGen.Kernels;
using CpuKernels = GraphGen.Kernels;
using GpuKernels = GraphGen.Gpu.Kernels;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// The device's Conv2d against the CPU's on random inputs, for every option the CPU supports
/// (stride, padding, dilation, groups, depthwise, rectangular kernels, bias or none, fused
/// activations, accumulate). The device sums each value in one fixed chain and the CPU through
/// im2col + GEMM, so they agree to rounding: |device − CPU| ≤ 1e-5 · max(1, max |CPU|).
/// </summary>
[Collection(DeviceCollection.Name)]
public class ConvolutionKernelTests(DeviceFixture fixture)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, Conv2dShape, int, bool> Shapes => new()
    {
        { "3×3 pad 1", new Conv2dShape(3, 6, 5, 4, 3, 3, PadH: 1, PadW: 1), 2, true },
        { "stride 2 pad 1", new Conv2dShape(2, 7, 7, 3, 3, 3, 2, 2, 1, 1), 2, false },
        { "dilation 2", new Conv2dShape(2, 8, 7, 3, 3, 3, 1, 1, 2, 2, 2, 2), 2, true },
        { "2 groups", new Conv2dShape(4, 5, 5, 6, 3, 3, 1, 1, 1, 1, Groups: 2), 2, true },
        { "depthwise", new Conv2dShape(3, 5, 6, 3, 3, 3, 1, 1, 1, 1, Groups: 3), 1, false },
        { "rectangular, mixed strides and dilations", new Conv2dShape(2, 6, 9, 3, 2, 4, 2, 3, 0, 1, 1, 2), 3, true },
        { "1×1", new Conv2dShape(4, 4, 4, 5, 1, 1), 2, true },
        { "more positions than one slice", new Conv2dShape(1, 12, 12, 2, 3, 3, 1, 1, 1, 1), 3, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardMatchesTheCpu(string name, Conv2dShape s, int batch, bool withBias)
    {
        var (x, w, bias) = Inputs(s, batch, withBias, seed: 1);
        CheckForward(name + ", identity", s, batch, x, w, bias, default(Identity));
        CheckForward(name + ", ReLU", s, batch, x, w, bias, default(Relu));
        CheckForward(name + ", tanh", s, batch, x, w, bias, default(Tanh));
    }

    private void CheckForward<TAct>(string what, Conv2dShape s, int batch, float[] x, float[] w, float[] bias, TAct f) where TAct : struct, IActivation<TAct>
    {
        var expected = new float[batch * s.OutputSize];
        CpuKernels.Conv2d.Forward(in s, batch, x, w, bias, expected, f);
        using var d = new DeviceArrays(fixture.Device);
        var y = d.Garbage(expected.Length);
        if (typeof(TAct) == typeof(Identity)) GpuKernels.Conv2d.Forward(fixture.Device, in s, batch, d.Upload(x), d.Upload(w), d.Upload(bias), y);
        else GpuKernels.Conv2d.Forward(fixture.Device, in s, batch, d.Upload(x), d.Upload(w), d.Upload(bias), y, f);
        Close.All(expected, d.Download(y), Tolerance, what + ": y");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardInputMatchesTheCpu(string name, Conv2dShape s, int batch, bool withBias)
    {
        _ = withBias;
        var dy = GradientChecks.RandomInputs(batch * s.OutputSize, 2);
        var w = GradientChecks.RandomInputs(s.WeightSize, 3);
        var old = GradientChecks.RandomInputs(batch * s.InputSize, 4);
        foreach (bool accumulate in new[] { false, true })
        {
            var expected = (float[])old.Clone();
            CpuKernels.Conv2d.BackwardInput(in s, batch, dy, w, expected, accumulate);
            using var d = new DeviceArrays(fixture.Device);
            var dx = d.Upload(old);
            GpuKernels.Conv2d.BackwardInput(fixture.Device, in s, batch, d.Upload(dy), d.Upload(w), dx, accumulate);
            Close.All(expected, d.Download(dx), Tolerance, $"{name}, accumulate {accumulate}: dx");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardWeightMatchesTheCpu(string name, Conv2dShape s, int batch, bool withBias)
    {
        var x = GradientChecks.RandomInputs(batch * s.InputSize, 5);
        var dy = GradientChecks.RandomInputs(batch * s.OutputSize, 6);
        var oldW = GradientChecks.RandomInputs(s.WeightSize, 7);
        var oldB = withBias ? GradientChecks.RandomInputs(s.OutChannels, 8) : [];
        foreach (bool accumulate in new[] { false, true })
        {
            var (expectedW, expectedB) = ((float[])oldW.Clone(), (float[])oldB.Clone());
            CpuKernels.Conv2d.BackwardWeight(in s, batch, x, dy, expectedW, expectedB, accumulate);
            using var d = new DeviceArrays(fixture.Device);
            var (dw, db) = (d.Upload(oldW), d.Upload(oldB));
            GpuKernels.Conv2d.BackwardWeight(fixture.Device, in s, batch, d.Upload(x), d.Upload(dy), dw, db, accumulate);
            Close.All(expectedW, d.Download(dw), Tolerance, $"{name}, accumulate {accumulate}: dW");
            Close.All(expectedB, d.Download(db), Tolerance, $"{name}, accumulate {accumulate}: dbias");
        }
    }

    [Fact]
    public void TheWeightGradientIsTheSameBitsOnEveryRun()
    {
        // 3·12·12 = 432 positions: two slices, added in order by the second kernel.
        var s = new Conv2dShape(1, 12, 12, 2, 3, 3, 1, 1, 1, 1);
        const int batch = 3;
        var x = GradientChecks.RandomInputs(batch * s.InputSize, 9);
        var dy = GradientChecks.RandomInputs(batch * s.OutputSize, 10);
        float[] Run()
        {
            using var d = new DeviceArrays(fixture.Device);
            var (dw, db) = (d.Garbage(s.WeightSize), d.Garbage(s.OutChannels));
            GpuKernels.Conv2d.BackwardWeight(fixture.Device, in s, batch, d.Upload(x), d.Upload(dy), dw, db, accumulate: false);
            return [.. d.Download(dw), .. d.Download(db)];
        }
        Assert.Equal(2, GpuKernels.Conv2d.WeightSlices(batch * s.OutPlane));
        Bits.Same(Run(), Run(), "dW and dbias");
    }

    [Fact]
    public void AnEmptyBatchWritesZeroGradients()
    {
        var s = new Conv2dShape(2, 4, 4, 3, 3, 3);
        using var d = new DeviceArrays(fixture.Device);
        var (dw, db) = (d.Garbage(s.WeightSize), d.Garbage(s.OutChannels));
        GpuKernels.Conv2d.BackwardWeight(fixture.Device, in s, 0, default, default, dw, db, accumulate: false);
        Assert.All(d.Download(dw), v => Assert.Equal(0f, v));
        Assert.All(d.Download(db), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void AViewTooShortIsRejectedBeforeAnythingRuns()
    {
        var s = new Conv2dShape(2, 4, 4, 3, 3, 3);
        using var d = new DeviceArrays(fixture.Device);
        var e = Assert.Throws<ArgumentException>(() => GpuKernels.Conv2d.Forward(fixture.Device, in s, 2, d.Garbage(2 * s.InputSize - 1),
            d.Garbage(s.WeightSize), default, d.Garbage(2 * s.OutputSize)));
        Assert.Contains("Conv2d.Forward: x must hold 64 floats", e.Message);
        Assert.Throws<ArgumentException>(() => GpuKernels.Conv2d.BackwardWeight(fixture.Device, in s, 2, d.Garbage(2 * s.InputSize),
            d.Garbage(2 * s.OutputSize), d.Garbage(s.WeightSize), d.Garbage(2), accumulate: false));
    }

    private static (float[] X, float[] W, float[] Bias) Inputs(Conv2dShape s, int batch, bool withBias, ulong seed) =>
        (GradientChecks.RandomInputs(batch * s.InputSize, seed), GradientChecks.RandomInputs(s.WeightSize, seed + 100),
         withBias ? GradientChecks.RandomInputs(s.OutChannels, seed + 200) : []);
}
