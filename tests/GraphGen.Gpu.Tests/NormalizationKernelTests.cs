using CpuKernels = GraphGen.Kernels;
using GpuKernels = GraphGen.Gpu.Kernels;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// The device's BatchNorm and LayerNorm against the CPU's. Both compute in double as the CPU does;
/// where the device adds in the CPU's order (dense batch norm, one thread per channel; inference;
/// layer norm's dγ and dβ given the same row statistics) the results are the CPU's bits up to the
/// last rounding, elsewhere the sums' order differs only in a double's last bits:
/// |device − CPU| ≤ 1e-6 · max(1, max |CPU|) throughout, and repeat runs give the same bits.
/// </summary>
[Collection(DeviceCollection.Name)]
public class NormalizationKernelTests(DeviceFixture fixture)
{
    private const double Tolerance = 1e-6;

    public static TheoryData<string, int, int, int, bool, bool> BatchNormCases => new()
    {
        { "dense", 5, 4, 1, true, true },
        { "spatial", 3, 4, 7, true, true },
        { "spatial, two chunks a channel", 2, 3, 150, true, true },
        { "no affine, no running statistics", 3, 2, 5, false, false },
        { "dense, no affine", 6, 3, 1, false, true },
    };

    [Theory]
    [MemberData(nameof(BatchNormCases))]
    public void BatchNormMatchesTheCpu(string name, int batch, int channels, int spatial, bool affine, bool running)
    {
        int n = batch * channels * spatial;
        var x = GradientChecks.RandomInputs(n, 1, low: 2f, high: 5f);   // an offset mean: centring must happen in double
        var gamma = affine ? GradientChecks.RandomInputs(channels, 2, low: 0.5f, high: 1.5f) : [];
        var beta = affine ? GradientChecks.RandomInputs(channels, 3) : [];
        var runMean = running ? GradientChecks.RandomInputs(channels, 4) : [];
        var runVar = running ? GradientChecks.RandomInputs(channels, 5, low: 0.5f, high: 2f) : [];
        var (y, mean, invStd, rm, rv) = (new float[n], new float[channels], new float[channels], (float[])runMean.Clone(), (float[])runVar.Clone());
        CpuKernels.BatchNorm.ForwardTraining(batch, channels, spatial, x, gamma, beta, y, mean, invStd, rm, rv, momentum: 0.2f, epsilon: 1e-4f);

        using var d = new DeviceArrays(fixture.Device);
        var (xd, gd, bd) = (d.Upload(x), d.Upload(gamma), d.Upload(beta));
        var (yd, md, sd, rmd, rvd) = (d.Garbage(n), d.Garbage(channels), d.Garbage(channels), d.Upload(runMean), d.Upload(runVar));
        GpuKernels.BatchNorm.ForwardTraining(fixture.Device, batch, channels, spatial, xd, gd, bd, yd, md, sd, rmd, rvd, momentum: 0.2f, epsilon: 1e-4f);
        Close.All(y, d.Download(yd), Tolerance, name + ": y");
        Close.All(mean, d.Download(md), Tolerance, name + ": saved mean");
        Close.All(invStd, d.Download(sd), Tolerance, name + ": saved invstd");
        Close.All(rm, d.Download(rmd), Tolerance, name + ": running mean");
        Close.All(rv, d.Download(rvd), Tolerance, name + ": running variance");

        if (running)
        {
            var inference = new float[n];
            CpuKernels.BatchNorm.ForwardInference(batch, channels, spatial, x, gamma, beta, rm, rv, inference, epsilon: 1e-4f);
            var inferenceD = d.Garbage(n);
            GpuKernels.BatchNorm.ForwardInference(fixture.Device, batch, channels, spatial, xd, gd, bd, d.Upload(rm), d.Upload(rv), inferenceD, epsilon: 1e-4f);
            Bits.Same(inference, d.Download(inferenceD), name + ": inference y");
        }

        var dy = GradientChecks.RandomInputs(n, 6);
        var (oldDx, oldDg, oldDb) = (GradientChecks.RandomInputs(n, 7), affine ? GradientChecks.RandomInputs(channels, 8) : [], affine ? GradientChecks.RandomInputs(channels, 9) : []);
        foreach (bool accumulate in new[] { false, true })
        {
            var (dx, dg, db) = ((float[])oldDx.Clone(), (float[])oldDg.Clone(), (float[])oldDb.Clone());
            CpuKernels.BatchNorm.Backward(batch, channels, spatial, dy, x, gamma, mean, invStd, dx, dg, db, accumulate);
            var (dxd, dgd, dbd) = (d.Upload(oldDx), d.Upload(oldDg), d.Upload(oldDb));
            GpuKernels.BatchNorm.Backward(fixture.Device, batch, channels, spatial, d.Upload(dy), xd, gd, d.Upload(mean), d.Upload(invStd), dxd, dgd, dbd, accumulate);
            Close.All(dx, d.Download(dxd), Tolerance, $"{name}, accumulate {accumulate}: dx");
            Close.All(dg, d.Download(dgd), Tolerance, $"{name}, accumulate {accumulate}: dgamma");
            Close.All(db, d.Download(dbd), Tolerance, $"{name}, accumulate {accumulate}: dbeta");
        }
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void BatchNormFoldedIntoAConvolutionIsTheCpusBits(bool convBias, bool affine)
    {
        const int channels = 6, rowSize = 27;
        var w = GradientChecks.RandomInputs(channels * rowSize, 1);
        var b = convBias ? GradientChecks.RandomInputs(channels, 2) : [];
        var gamma = affine ? GradientChecks.RandomInputs(channels, 3, low: 0.5f, high: 1.5f) : [];
        var beta = affine ? GradientChecks.RandomInputs(channels, 4) : [];
        var mean = GradientChecks.RandomInputs(channels, 5);
        var variance = GradientChecks.RandomInputs(channels, 6, low: 0.5f, high: 2f);
        var (fw, fb) = (new float[channels * rowSize], new float[channels]);
        CpuKernels.BatchNorm.FoldIntoConvolution(channels, rowSize, w, b, gamma, beta, mean, variance, fw, fb, epsilon: 1e-4f);
        using var d = new DeviceArrays(fixture.Device);
        var (fwd, fbd) = (d.Garbage(channels * rowSize), d.Garbage(channels));
        GpuKernels.BatchNorm.FoldIntoConvolution(fixture.Device, channels, rowSize, d.Upload(w), d.Upload(b), d.Upload(gamma), d.Upload(beta),
            d.Upload(mean), d.Upload(variance), fwd, fbd, epsilon: 1e-4f);
        // The CPU's double arithmetic, rounded to float once.
        Close.All(fw, d.Download(fwd), Tolerance, "folded weight");
        Close.All(fb, d.Download(fbd), Tolerance, "folded bias");
    }

    [Fact]
    public void DenseBatchNormAddsInTheCpusOrder()
    {
        const int batch = 7, channels = 3;
        var x = GradientChecks.RandomInputs(batch * channels, 10, low: -3f, high: 8f);
        var (gamma, beta, dy) = (GradientChecks.RandomInputs(channels, 11), GradientChecks.RandomInputs(channels, 12), GradientChecks.RandomInputs(batch * channels, 13));
        var (y, mean, invStd, dx, dg, db) = (new float[x.Length], new float[channels], new float[channels], new float[x.Length], new float[channels], new float[channels]);
        CpuKernels.BatchNorm.ForwardTraining(batch, channels, 1, x, gamma, beta, y, mean, invStd, [], []);
        CpuKernels.BatchNorm.Backward(batch, channels, 1, dy, x, gamma, mean, invStd, dx, dg, db, accumulate: false);
        using var d = new DeviceArrays(fixture.Device);
        var (xd, gd, yd, md, sd) = (d.Upload(x), d.Upload(gamma), d.Garbage(x.Length), d.Garbage(channels), d.Garbage(channels));
        var (dxd, dgd, dbd) = (d.Garbage(x.Length), d.Garbage(channels), d.Garbage(channels));
        GpuKernels.BatchNorm.ForwardTraining(fixture.Device, batch, channels, 1, xd, gd, d.Upload(beta), yd, md, sd, default, default);
        GpuKernels.BatchNorm.Backward(fixture.Device, batch, channels, 1, d.Upload(dy), xd, gd, md, sd, dxd, dgd, dbd, accumulate: false);
        Bits.Same([.. y, .. mean, .. invStd, .. dx, .. dg, .. db],
            [.. d.Download(yd), .. d.Download(md), .. d.Download(sd), .. d.Download(dxd), .. d.Download(dgd), .. d.Download(dbd)], "dense batch norm");
    }

    [Fact]
    public void SpatialBatchNormIsTheSameBitsOnEveryRun()
    {
        const int batch = 3, channels = 2, spatial = 120;   // 360 values a channel: two chunks, added in order
        var x = GradientChecks.RandomInputs(batch * channels * spatial, 14);
        var dy = GradientChecks.RandomInputs(x.Length, 15);
        float[] Run()
        {
            using var d = new DeviceArrays(fixture.Device);
            var (xd, gd, bd) = (d.Upload(x), d.Upload([1.5f, 0.5f]), d.Upload([0.1f, -0.2f]));
            var (yd, md, sd, rm, rv) = (d.Garbage(x.Length), d.Garbage(channels), d.Garbage(channels), d.Upload([0f, 0f]), d.Upload([1f, 1f]));
            var (dxd, dgd, dbd) = (d.Garbage(x.Length), d.Garbage(channels), d.Garbage(channels));
            GpuKernels.BatchNorm.ForwardTraining(fixture.Device, batch, channels, spatial, xd, gd, bd, yd, md, sd, rm, rv);
            GpuKernels.BatchNorm.Backward(fixture.Device, batch, channels, spatial, d.Upload(dy), xd, gd, md, sd, dxd, dgd, dbd, accumulate: false);
            return [.. d.Download(yd), .. d.Download(md), .. d.Download(sd), .. d.Download(rm), .. d.Download(rv), .. d.Download(dxd), .. d.Download(dgd), .. d.Download(dbd)];
        }
        Bits.Same(Run(), Run(), "batch norm, training and backward");
    }

    [Fact]
    public void BatchNormRejectsASingleValuePerChannel()
    {
        using var d = new DeviceArrays(fixture.Device);
        var e = Assert.Throws<ArgumentException>(() => GpuKernels.BatchNorm.ForwardTraining(fixture.Device, 1, 2, 1, d.Garbage(2), default, default,
            d.Garbage(2), d.Garbage(2), d.Garbage(2), default, default));
        Assert.Contains("more than one value per channel", e.Message);
    }

    [Theory]
    [InlineData(5, 7, true)]
    [InlineData(3, 40, false)]
    [InlineData(11, 3, true)]
    [InlineData(70, 9, true)]      // slices of 8–9 rows: dγ and dβ read four rows at a time, then the rest
    [InlineData(33, 130, false)]   // rows wider than a warp, and not a multiple of it
    public void LayerNormMatchesTheCpu(int rows, int cols, bool affine)
    {
        int n = rows * cols;
        var x = GradientChecks.RandomInputs(n, 16, low: -2f, high: 4f);
        var gamma = affine ? GradientChecks.RandomInputs(cols, 17, low: 0.5f, high: 1.5f) : [];
        var beta = affine ? GradientChecks.RandomInputs(cols, 18) : [];
        var (y, mean, invStd) = (new float[n], new float[rows], new float[rows]);
        CpuKernels.LayerNorm.Forward(rows, cols, x, gamma, beta, y, mean, invStd, epsilon: 1e-4f);
        using var d = new DeviceArrays(fixture.Device);
        var (xd, gd) = (d.Upload(x), d.Upload(gamma));
        var (yd, md, sd) = (d.Garbage(n), d.Garbage(rows), d.Garbage(rows));
        GpuKernels.LayerNorm.Forward(fixture.Device, rows, cols, xd, gd, d.Upload(beta), yd, md, sd, epsilon: 1e-4f);
        string what = $"{rows}×{cols}{(affine ? "" : ", no affine")}";
        Close.All(y, d.Download(yd), Tolerance, what + ": y");
        Close.All(mean, d.Download(md), Tolerance, what + ": saved mean");
        Close.All(invStd, d.Download(sd), Tolerance, what + ": saved invstd");

        var dy = GradientChecks.RandomInputs(n, 19);
        var (oldDx, oldDg, oldDb) = (GradientChecks.RandomInputs(n, 20), affine ? GradientChecks.RandomInputs(cols, 21) : [], affine ? GradientChecks.RandomInputs(cols, 22) : []);
        foreach (bool accumulate in new[] { false, true })
        {
            var (dx, dg, db) = ((float[])oldDx.Clone(), (float[])oldDg.Clone(), (float[])oldDb.Clone());
            CpuKernels.LayerNorm.Backward(rows, cols, dy, x, gamma, mean, invStd, dx, dg, db, accumulate);
            var (dxd, dgd, dbd) = (d.Upload(oldDx), d.Upload(oldDg), d.Upload(oldDb));
            // The CPU's saved statistics, so that dγ and dβ are summed from the same x̂: the CPU's bits.
            GpuKernels.LayerNorm.Backward(fixture.Device, rows, cols, d.Upload(dy), xd, gd, d.Upload(mean), d.Upload(invStd), dxd, dgd, dbd, accumulate);
            Close.All(dx, d.Download(dxd), Tolerance, $"{what}, accumulate {accumulate}: dx");
            Bits.Same(dg, d.Download(dgd), $"{what}, accumulate {accumulate}: dgamma");
            Bits.Same(db, d.Download(dbd), $"{what}, accumulate {accumulate}: dbeta");
        }
    }

    [Fact]
    public void LayerNormIsTheSameBitsOnEveryRun()
    {
        const int rows = 10, cols = 6;
        var x = GradientChecks.RandomInputs(rows * cols, 23);
        var dy = GradientChecks.RandomInputs(rows * cols, 24);
        var gamma = GradientChecks.RandomInputs(cols, 25);
        float[] Run()
        {
            using var d = new DeviceArrays(fixture.Device);
            var (xd, gd, yd, md, sd) = (d.Upload(x), d.Upload(gamma), d.Garbage(x.Length), d.Garbage(rows), d.Garbage(rows));
            var (dxd, dgd, dbd) = (d.Garbage(x.Length), d.Garbage(cols), d.Garbage(cols));
            GpuKernels.LayerNorm.Forward(fixture.Device, rows, cols, xd, gd, d.Upload(new float[cols]), yd, md, sd);
            GpuKernels.LayerNorm.Backward(fixture.Device, rows, cols, d.Upload(dy), xd, gd, md, sd, dxd, dgd, dbd, accumulate: false);
            return [.. d.Download(yd), .. d.Download(md), .. d.Download(sd), .. d.Download(dxd), .. d.Download(dgd), .. d.Download(dbd)];
        }
        Bits.Same(Run(), Run(), "layer norm, forward and backward");
    }
}
