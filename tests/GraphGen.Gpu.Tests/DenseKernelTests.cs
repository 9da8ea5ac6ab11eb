using GraphGen.Kernels;
using ILGPU;
using GpuKernels = GraphGen.Gpu.Kernels;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// The dense family's GPU kernels against the CPU kernels: GEMM in every form with every epilogue,
/// bias sums, activations, losses, and the deterministic reduction. Small sizes: the tiled GEMM
/// runs groups of 256 threads with barriers on the CPU accelerator.
/// </summary>
[Collection(DeviceCollection.Name)]
public class DenseKernelTests(DeviceFixture fixture)
{
    private GpuDevice Device => fixture.Device;

    public static TheoryData<bool, bool, int, int, int> Shapes() => new()
    {
        { false, false, 5, 7, 3 }, { false, true, 33, 17, 70 }, { true, false, 9, 65, 20 }, { false, true, 64, 64, 16 }, { true, false, 1, 3, 0 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GemmMatchesTheCpuInEveryFormAndEpilogue(bool ta, bool tb, int m, int n, int k)
    {
        using var arrays = new DeviceArrays(Device);
        var a = GradientChecks.RandomInputs(m * k, 1);
        var b = GradientChecks.RandomInputs(k * n, 2);
        var bias = GradientChecks.RandomInputs(n, 3);
        var c0 = GradientChecks.RandomInputs(m * n, 4);
        var s = GradientChecks.RandomInputs(m * n, 5, 0.05f, 0.95f);   // an activation's output (sigmoid's range)
        int lda = ta ? m : k, ldb = tb ? k : n;
        var da = arrays.Upload(a);
        var db = arrays.Upload(b);
        var dbias = arrays.Upload(bias);
        var ds = arrays.Upload(s);

        // C += op(A)·op(B)
        var expected = (float[])c0.Clone();
        Gemm.Compute(ta, tb, m, n, k, a, lda, b, ldb, expected, n, accumulate: true);
        var dc = arrays.Upload(c0);
        GpuKernels.Gemm.Compute(Device, ta, tb, m, n, k, da, lda, db, ldb, dc, n, accumulate: true);
        Close.All(expected, arrays.Download(dc), 1e-6 * (k + 1), "C += AB");

        // C = tanh(op(A)·op(B) + bias)
        expected = new float[m * n];
        Gemm.Compute(ta, tb, m, n, k, a, lda, b, ldb, expected, n, bias, new GraphGen.Kernels.Tanh());
        dc = arrays.Upload(new float[m * n]);
        Forward(ta, tb, da, db, dc, m, n, k, dbias, new GraphGen.Kernels.Tanh());
        Close.All(expected, arrays.Download(dc), 1e-6 * (k + 1), "C = tanh(AB + b)");

        // C = (op(A)·op(B)) ⊙ σ′(S)
        expected = new float[m * n];
        Gemm.Compute(ta, tb, m, n, k, a, lda, b, ldb, expected, n, new GraphGen.Kernels.Sigmoid(), s);
        dc = arrays.Upload(new float[m * n]);
        Backward(ta, tb, da, db, dc, m, n, k, new GraphGen.Kernels.Sigmoid(), ds);
        Close.All(expected, arrays.Download(dc), 1e-6 * (k + 1), "C = AB ⊙ σ′(S)");

        // C = GELU(op(A)·op(B) + bias) and D = GELU′(op(A)·op(B) + bias); then (op(A)·op(B)) ⊙ D through Saved<Gelu>
        expected = new float[m * n];
        var expectedSlope = new float[m * n];
        Gemm.Compute(ta, tb, m, n, k, a, lda, b, ldb, expected, n, bias, new Gelu(), expectedSlope);
        dc = arrays.Upload(new float[m * n]);
        var dd = arrays.Upload(new float[m * n]);
        if (!ta && !tb) GpuKernels.Gemm.Multiply(Device, da, db, dc, m, n, k, dbias, new Gelu(), dd);
        else if (tb) GpuKernels.Gemm.MultiplyTransposedB(Device, da, db, dc, m, n, k, dbias, new Gelu(), dd);
        else GpuKernels.Gemm.MultiplyTransposedA(Device, da, db, dc, m, n, k, dbias, new Gelu(), dd);
        Close.All(expected, arrays.Download(dc), 1e-6 * (k + 1), "C = GELU(AB + b)");
        var slope = arrays.Download(dd);
        Close.All(expectedSlope, slope, 2e-6 * (k + 1), "D = GELU′(AB + b)");
        expected = new float[m * n];
        Gemm.Compute(ta, tb, m, n, k, a, lda, b, ldb, expected, n, new Saved<Gelu>(), slope);
        dc = arrays.Upload(new float[m * n]);
        Backward(ta, tb, da, db, dc, m, n, k, new Saved<Gelu>(), dd);
        Close.All(expected, arrays.Download(dc), 1e-6 * (k + 1), "C = AB ⊙ D");
    }

    private void Forward<TAct>(bool ta, bool tb, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, ArrayView<float> bias, TAct act)
        where TAct : struct, IActivation<TAct>
    {
        if (!ta && !tb) GpuKernels.Gemm.Multiply(Device, a, b, c, m, n, k, bias, act);
        else if (tb) GpuKernels.Gemm.MultiplyTransposedB(Device, a, b, c, m, n, k, bias, act);
        else GpuKernels.Gemm.MultiplyTransposedA(Device, a, b, c, m, n, k, bias, act);
    }

    private void Backward<TAct>(bool ta, bool tb, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, TAct act, ArrayView<float> s)
        where TAct : struct, IActivation<TAct>
    {
        if (!ta && !tb) GpuKernels.Gemm.Multiply(Device, a, b, c, m, n, k, act, s);
        else if (tb) GpuKernels.Gemm.MultiplyTransposedB(Device, a, b, c, m, n, k, act, s);
        else GpuKernels.Gemm.MultiplyTransposedA(Device, a, b, c, m, n, k, act, s);
    }

    [Fact]
    public void BiasSumsOfFewRowsAreTheCpusBits()
    {
        using var arrays = new DeviceArrays(Device);
        var dy = GradientChecks.RandomInputs(GpuKernels.Bias.BlockRows * 11, 7);
        var expected = new float[11];
        Bias.SumRows(dy, expected, GpuKernels.Bias.BlockRows, 11, accumulate: false);
        var dbias = arrays.Upload(new float[11]);
        GpuKernels.Bias.SumRows(Device, arrays.Upload(dy), dbias, GpuKernels.Bias.BlockRows, 11, accumulate: false);
        Assert.Equal(expected, arrays.Download(dbias));   // one block: the CPU's chain of adds, in row order
    }

    [Theory]
    [InlineData(33, 5, false)]
    [InlineData(100, 7, true)]
    [InlineData(2048, 3, false)]
    public void BiasSumsAddBlocksOfRowsThenTheBlocksInOrder(int rows, int cols, bool accumulate)
    {
        using var arrays = new DeviceArrays(Device);
        var dy = GradientChecks.RandomInputs(rows * cols, 8);
        var old = GradientChecks.RandomInputs(cols, 9);
        var expected = (float[])old.Clone();
        int block = GpuKernels.Bias.BlockRows;
        for (int c = 0; c < cols; c++)
        {
            float total = 0f;
            for (int r0 = 0; r0 < rows; r0 += block)
            {
                float part = 0f;
                for (int r = r0; r < Math.Min(rows, r0 + block); r++) part += dy[r * cols + c];
                total += part;
            }
            expected[c] = accumulate ? expected[c] + total : total;
        }
        var dbias = arrays.Upload(old);
        GpuKernels.Bias.SumRows(Device, arrays.Upload(dy), dbias, rows, cols, accumulate);
        Assert.Equal(expected, arrays.Download(dbias));   // the same bits on every launch, and close to the CPU's single chain
        var cpu = (float[])old.Clone();
        Bias.SumRows(dy, cpu, rows, cols, accumulate);
        Close.All(cpu, expected, 1e-5, $"{rows}×{cols}");
    }

    public static TheoryData<string> ActivationNames() => new(RuntimeActivations.All.Select(RuntimeActivations.Name).Order());

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void ActivationsMatchTheCpu(string name)
    {
        var type = RuntimeActivations.All.Single(t => RuntimeActivations.Name(t) == name);
        typeof(DenseKernelTests).GetMethod(nameof(CheckActivation), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(type).Invoke(this, [type == typeof(LeakyRelu) ? Activator.CreateInstance(type, 0.2f) : Activator.CreateInstance(type)]);
    }

    private void CheckActivation<TAct>(TAct act) where TAct : struct, IActivation<TAct>
    {
        using var arrays = new DeviceArrays(Device);
        var x = GradientChecks.RandomInputs(1000, 8, -6f, 6f);
        var dy = GradientChecks.RandomInputs(1000, 9);
        var y = new float[1000];
        Activations.Forward(act, x, y);
        var gy = arrays.Upload(new float[1000]);
        GpuKernels.Activations.Forward(Device, act, arrays.Upload(x), gy);
        Close.All(y, arrays.Download(gy), 2e-6, typeof(TAct).Name);

        var source = TAct.DerivativeFromInput ? x : y;
        var dx = GradientChecks.RandomInputs(1000, 10);
        var expected = (float[])dx.Clone();
        Activations.Backward(act, source, dy, expected, accumulate: true);
        var gdx = arrays.Upload(dx);
        GpuKernels.Activations.Backward(Device, act, arrays.Upload(source), arrays.Upload(dy), gdx, accumulate: true);
        Close.All(expected, arrays.Download(gdx), 2e-6, typeof(TAct).Name + "′");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(-1)]
    public void SoftmaxCrossEntropyMatchesTheCpu(int? ignore)
    {
        using var arrays = new DeviceArrays(Device);
        const int rows = 19, cols = 7;
        var z = GradientChecks.RandomInputs(rows * cols, 11, -5f, 5f);
        var labels = GradientChecks.RandomLabels(rows, cols, 12);
        if (ignore is { } label) for (int r = 0; r < rows; r += 3) labels[r] = label;
        var dz = new float[rows * cols];
        float loss = Losses.SoftmaxCrossEntropy(z, labels, dz, rows, cols, weight: 0.5f, ignoreLabel: ignore);
        var gdz = arrays.Upload(new float[rows * cols]);
        var result = arrays.Upload(new float[1]);
        GpuKernels.Losses.SoftmaxCrossEntropy(Device, arrays.Upload(z), arrays.Upload(labels), gdz, rows, cols, result, weight: 0.5f, ignoreLabel: ignore);
        Assert.Equal(loss, arrays.Download(result)[0], 5e-6f);
        Close.All(dz, arrays.Download(gdz), 1e-6, "dz");
    }

    [Fact]
    public void ElementwiseLossesMatchTheCpu()
    {
        using var arrays = new DeviceArrays(Device);
        const int n = 53;
        var p = GradientChecks.RandomInputs(n, 13, 0.01f, 0.99f);
        var z = GradientChecks.RandomInputs(n, 14, -4f, 4f);
        var y = GradientChecks.RandomInputs(n, 15, 0f, 1f);
        Check("BCE", (g, r) => GpuKernels.Losses.BinaryCrossEntropy(Device, arrays.Upload(p), arrays.Upload(y), g, n, r, weight: 2f), g => Losses.BinaryCrossEntropy(p, y, g, n, weight: 2f));
        Check("BCE logits", (g, r) => GpuKernels.Losses.BinaryCrossEntropyWithLogits(Device, arrays.Upload(z), arrays.Upload(y), g, n, r), g => Losses.BinaryCrossEntropyWithLogits(z, y, g, n));
        Check("MSE", (g, r) => GpuKernels.Losses.MeanSquaredError(Device, arrays.Upload(z), arrays.Upload(y), g, n, r), g => Losses.MeanSquaredError(z, y, g, n));
        var lv = GradientChecks.RandomInputs(n, 16, -2f, 2f);
        var dmu = new float[n];
        var dlv = new float[n];
        float kl = Losses.KlDivergence(z, lv, dmu, dlv, n, 1);
        var gdmu = arrays.Upload(new float[n]);
        var gdlv = arrays.Upload(new float[n]);
        var result = arrays.Upload(new float[1]);
        GpuKernels.Losses.KlDivergence(Device, arrays.Upload(z), arrays.Upload(lv), gdmu, gdlv, n, 1, result);
        Assert.Equal(kl, arrays.Download(result)[0], 1e-5f);
        Close.All(dmu, arrays.Download(gdmu), 1e-6, "dμ");
        Close.All(dlv, arrays.Download(gdlv), 1e-6, "dlogσ²");

        void Check(string what, Action<ArrayView<float>, ArrayView<float>> gpu, Func<float[], float> cpu)
        {
            var expected = new float[n];
            float loss = cpu(expected);
            var g = arrays.Upload(new float[n]);
            var r = arrays.Upload(new float[1]);
            gpu(g, r);
            Assert.True(Math.Abs(loss - arrays.Download(r)[0]) <= 1e-5 * Math.Max(1, Math.Abs(loss)), $"{what}: {arrays.Download(r)[0]} vs {loss}");
            Close.All(expected, arrays.Download(g), 1e-5, what);
        }
    }
}
