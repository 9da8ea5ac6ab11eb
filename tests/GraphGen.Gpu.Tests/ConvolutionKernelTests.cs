using GraphGen.Gpu.Kernels;
using GraphGen.Kernels;
using CpuKernels = GraphGen.Kernels;
using GpuKernels = GraphGen.Gpu.Kernels;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// The device's Conv2d against the CPU's on random inputs, for every option the CPU supports
/// (stride, padding, dilation, groups, depthwise, rectangular kernels, bias or none, fused
/// activations, accumulate), by both paths: the direct kernels and the implicit GEMMs. The device
/// sums each value in one fixed chain and the CPU through im2col + GEMM, so they agree to
/// rounding: |device − CPU| ≤ 1e-5 · max(1, max |CPU|).
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
        { "16 channels (tiles chosen)", new Conv2dShape(16, 6, 6, 16, 3, 3, 2, 1, 1, 1), 2, true },
        { "two groups of 16, dilated", new Conv2dShape(32, 5, 5, 32, 3, 3, 1, 1, 2, 2, 2, 2, 2), 1, false },
    };

    private static readonly ConvPath[] Paths = [ConvPath.Direct, ConvPath.Tiled];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardMatchesTheCpu(string name, Conv2dShape s, int batch, bool withBias)
    {
        var (x, w, bias) = Inputs(s, batch, withBias, seed: 1);
        CheckForward(name + ", identity", s, batch, x, w, bias, default(Identity), ConvPath.Auto);
        CheckForward(name + ", direct, ReLU", s, batch, x, w, bias, default(Relu), ConvPath.Direct);
        CheckForward(name + ", tiled, tanh", s, batch, x, w, bias, default(Tanh), ConvPath.Tiled);
    }

    private void CheckForward<TAct>(string what, Conv2dShape s, int batch, float[] x, float[] w, float[] bias, TAct f, ConvPath path) where TAct : struct, IActivation<TAct>
    {
        var expected = new float[batch * s.OutputSize];
        CpuKernels.Conv2d.Forward(in s, batch, x, w, bias, expected, f);
        using var d = new DeviceArrays(fixture.Device);
        var y = d.Garbage(expected.Length);
        if (path == ConvPath.Auto) GpuKernels.Conv2d.Forward(fixture.Device, in s, batch, d.Upload(x), d.Upload(w), d.Upload(bias), y);
        else GpuKernels.Conv2d.Forward(fixture.Device, in s, batch, d.Upload(x), d.Upload(w), d.Upload(bias), y, f, path);
        Close.All(expected, d.Download(y), Tolerance, what + ": y");
    }

    /// <summary>
    /// Inference's convolution with the max pooling taken as it is written: the device's direct
    /// forward then its max pooling, bit for bit (the same sums and the same scan), and the CPU's
    /// ForwardMaxPooled to rounding. Windows 2×2 stride 2 and 3×3 stride 1 padding 1 (overlapping).
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardMaxPooledIsTheForwardThenThePooling(string name, Conv2dShape s, int batch, bool withBias)
    {
        var (x, w, bias) = Inputs(s, batch, withBias, seed: 5);
        foreach (var pool in new[] { new Pool2dShape(s.OutChannels, s.OutHeight, s.OutWidth, 2, 2, 2, 2, 0, 0), new Pool2dShape(s.OutChannels, s.OutHeight, s.OutWidth, 3, 3, 1, 1, 1, 1) })
        {
            if (pool.OutHeight < 1 || pool.OutWidth < 1) continue;
            string what = $"{name}, pooled {pool.KernelH}×{pool.KernelW} stride {pool.StrideH}";
            var cpu = new float[batch * pool.OutputSize];
            CpuKernels.Conv2d.ForwardMaxPooled(in s, in pool, batch, x, w, bias, cpu, default(Relu));
            using var d = new DeviceArrays(fixture.Device);
            var (dx, dw, db) = (d.Upload(x), d.Upload(w), d.Upload(bias));
            var unpooled = d.Garbage(batch * s.OutputSize);
            var separate = d.Garbage(cpu.Length);
            GpuKernels.Conv2d.Forward(fixture.Device, in s, batch, dx, dw, db, unpooled, default(Relu), ConvPath.Direct);
            GpuKernels.Pool2d.MaxForward(fixture.Device, in pool, batch, unpooled, separate, d.Upload(new int[cpu.Length]));
            var fused = d.Garbage(cpu.Length);
            GpuKernels.Conv2d.ForwardMaxPooled(fixture.Device, in s, in pool, batch, dx, dw, db, fused, default(Relu));
            var (expected, actual) = (d.Download(separate), d.Download(fused));
            for (int i = 0; i < expected.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"{what}: y[{i}] = {actual[i]}, forward then pooling gave {expected[i]}");
            Close.All(cpu, actual, Tolerance, what + ": against the CPU");
        }
    }

    /// <summary>
    /// y = f(W ⋆ x + bias + r): bit for bit the forward kernel, the sum and the activation kernel
    /// it replaces (the generated program's unfused steps), and the CPU's ForwardResidual to rounding.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardResidualIsTheForwardThenTheSumThenTheActivation(string name, Conv2dShape s, int batch, bool withBias)
    {
        var (x, w, bias) = Inputs(s, batch, withBias, seed: 6);
        var r = GradientChecks.RandomInputs(batch * s.OutputSize, 7);
        var cpu = new float[r.Length];
        CpuKernels.Conv2d.ForwardResidual(in s, batch, x, w, bias, r, cpu, default(Relu));
        using var d = new DeviceArrays(fixture.Device);
        var (dx, dw, db, dr) = (d.Upload(x), d.Upload(w), d.Upload(bias), d.Upload(r));
        var separate = d.Garbage(r.Length);
        GpuKernels.Conv2d.Forward(fixture.Device, in s, batch, dx, dw, db, separate);
        GpuKernels.Elementwise.Add(fixture.Device, dr, separate);
        GpuKernels.Activations.Forward(fixture.Device, default(Relu), separate, separate);
        var fused = d.Garbage(r.Length);
        GpuKernels.Conv2d.ForwardResidual(fixture.Device, in s, batch, dx, dw, db, dr, fused, default(Relu));
        var (expected, actual) = (d.Download(separate), d.Download(fused));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"{name}: y[{i}] = {actual[i]}, forward, sum and ReLU gave {expected[i]}");
        Close.All(cpu, actual, Tolerance, name + ": against the CPU");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardInputMatchesTheCpu(string name, Conv2dShape s, int batch, bool withBias)
    {
        // Added to an old gradient, as a fan-out does (WritingGradientsIgnoresTheOldValues checks writing).
        _ = withBias;
        var dy = GradientChecks.RandomInputs(batch * s.OutputSize, 2);
        var w = GradientChecks.RandomInputs(s.WeightSize, 3);
        var old = GradientChecks.RandomInputs(batch * s.InputSize, 4);
        var expected = (float[])old.Clone();
        CpuKernels.Conv2d.BackwardInput(in s, batch, dy, w, expected, accumulate: true);
        foreach (var path in Paths)
        {
            using var d = new DeviceArrays(fixture.Device);
            var dx = d.Upload(old);
            GpuKernels.Conv2d.BackwardInput(fixture.Device, in s, batch, d.Upload(dy), d.Upload(w), dx, accumulate: true, path);
            Close.All(expected, d.Download(dx), Tolerance, $"{name}, {path}: dx");
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
        var (expectedW, expectedB) = ((float[])oldW.Clone(), (float[])oldB.Clone());
        CpuKernels.Conv2d.BackwardWeight(in s, batch, x, dy, expectedW, expectedB, accumulate: true);
        foreach (var path in Paths)
        {
            using var d = new DeviceArrays(fixture.Device);
            var (dw, db) = (d.Upload(oldW), d.Upload(oldB));
            GpuKernels.Conv2d.BackwardWeight(fixture.Device, in s, batch, d.Upload(x), d.Upload(dy), dw, db, accumulate: true, path);
            Close.All(expectedW, d.Download(dw), Tolerance, $"{name}, {path}: dW");
            Close.All(expectedB, d.Download(db), Tolerance, $"{name}, {path}: dbias");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheWeightGradientInSlicesIsTheCpusAndTheSameBitsOnEveryRun(bool tiled)
    {
        // 2·12·12 = 288 positions: two slices, added in order by a second kernel, which writes (the
        // theories above check adding to the old gradient).
        var path = tiled ? ConvPath.Tiled : ConvPath.Direct;
        var s = new Conv2dShape(2, 12, 12, 3, 3, 3, 1, 1, 1, 1);
        const int batch = 2;
        Assert.Equal(2, GpuKernels.Conv2d.WeightSlices(batch * s.OutPlane, s.WeightSize + s.OutChannels));
        var x = GradientChecks.RandomInputs(batch * s.InputSize, 9);
        var dy = GradientChecks.RandomInputs(batch * s.OutputSize, 10);
        var (expectedW, expectedB) = (new float[s.WeightSize], new float[s.OutChannels]);
        CpuKernels.Conv2d.BackwardWeight(in s, batch, x, dy, expectedW, expectedB, accumulate: false);
        float[] Run()
        {
            using var d = new DeviceArrays(fixture.Device);
            var (dw, db) = (d.Garbage(s.WeightSize), d.Garbage(s.OutChannels));
            GpuKernels.Conv2d.BackwardWeight(fixture.Device, in s, batch, d.Upload(x), d.Upload(dy), dw, db, accumulate: false, path);
            return [.. d.Download(dw), .. d.Download(db)];
        }
        var first = Run();
        Close.All([.. expectedW, .. expectedB], first, Tolerance, $"{path}: dW and dbias");
        Bits.Same(first, Run(), $"{path}: dW and dbias");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WritingGradientsIgnoresTheOldValues(bool tiled)
    {
        var path = tiled ? ConvPath.Tiled : ConvPath.Direct;
        var s = new Conv2dShape(3, 5, 5, 4, 3, 3, 2, 2, 1, 1);
        const int batch = 2;
        var (x, w, _) = Inputs(s, batch, withBias: false, seed: 12);
        var dy = GradientChecks.RandomInputs(batch * s.OutputSize, 13);
        var (dx, dw, db) = (new float[x.Length], new float[w.Length], new float[s.OutChannels]);
        CpuKernels.Conv2d.BackwardInput(in s, batch, dy, w, dx, accumulate: false);
        CpuKernels.Conv2d.BackwardWeight(in s, batch, x, dy, dw, db, accumulate: false);
        using var d = new DeviceArrays(fixture.Device);
        var (dxd, dwd, dbd) = (d.Garbage(dx.Length), d.Garbage(dw.Length), d.Garbage(db.Length));   // NaN: an old value that leaked in would show
        GpuKernels.Conv2d.BackwardInput(fixture.Device, in s, batch, d.Upload(dy), d.Upload(w), dxd, accumulate: false, path);
        GpuKernels.Conv2d.BackwardWeight(fixture.Device, in s, batch, d.Upload(x), d.Upload(dy), dwd, dbd, accumulate: false, path);
        Close.All(dx, d.Download(dxd), Tolerance, $"{path}: dx");
        Close.All(dw, d.Download(dwd), Tolerance, $"{path}: dW");
        Close.All(db, d.Download(dbd), Tolerance, $"{path}: dbias");
    }

    [Fact]
    public void PartialSumsStayWithinTheirScratchBudget()
    {
        Assert.Equal(64, GpuKernels.Conv2d.WeightSlices(1 << 20, 1000));
        Assert.Equal(16, GpuKernels.Conv2d.WeightSlices(1 << 20, (1 << 24) / 16));   // 512·512·9 weights and more: fewer slices
        Assert.Equal(1, GpuKernels.Conv2d.WeightSlices(1 << 20, 1 << 25));
    }

    [Fact]
    public void TilesAreChosenWhereTheyFill()
    {
        Assert.Equal(ConvPath.Tiled, GpuKernels.Conv2d.PathFor(16, 64, 16));
        Assert.Equal(ConvPath.Direct, GpuKernels.Conv2d.PathFor(1, 4096, 9));      // depthwise
        Assert.Equal(ConvPath.Direct, GpuKernels.Conv2d.PathFor(64, 32, 576));     // a handful of outputs
        Assert.Equal(ConvPath.Direct, GpuKernels.Conv2d.PathFor(64, 4096, 3));     // a 1×1 convolution of 3 channels
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
