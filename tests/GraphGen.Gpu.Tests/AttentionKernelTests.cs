using CpuKernels = GraphGen.Kernels;
using DeviceKernels = GraphGen.Gpu.Kernels;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// The attention kernels on ILGPU's CPU accelerator against the CPU kernels: softmax, causal
/// softmax, the axis permutations and the batched GEMM, with every option. Permutations move
/// values and must be bit for bit the CPU's; the softmaxes and the GEMM compute in float in
/// another order (the CPU's causal softmax uses its vector exp, its GEMM blocks and FMAs), so they
/// agree to a relative tolerance, stated per test, and give the same bits on a second launch.
/// </summary>
[Collection(DeviceCollection.Name)]
public class AttentionKernelTests(DeviceFixture fixture)
{
    private GpuDevice Device => fixture.Device;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SoftmaxMatchesTheCpu(bool accumulate)
    {
        const int rows = 5, cols = 7;
        var x = GradientChecks.RandomInputs(rows * cols, 1, -4f, 4f);
        var dy = GradientChecks.RandomInputs(rows * cols, 2);
        var dx0 = GradientChecks.RandomInputs(rows * cols, 3);
        var y = new float[rows * cols];
        var dx = (float[])dx0.Clone();
        CpuKernels.Softmax.Forward(x, y, rows, cols);
        CpuKernels.Softmax.Backward(y, dy, dx, rows, cols, accumulate);

        var forward = Device.Run(v => DeviceKernels.Softmax.Forward(Device, v[0], v[1], rows, cols), x, new float[rows * cols]);
        var backward = Device.Run(v => DeviceKernels.Softmax.Backward(Device, v[0], v[1], v[2], rows, cols, accumulate), y, dy, (float[])dx0.Clone());
        // Same scalar loop as the CPU; exp may differ in the last bit on a GPU (ex2.approx): 1e-6.
        Close.All(y, forward[1], 1e-6, "y");
        Close.All(dx, backward[2], 1e-6, "dx");
        var again = Device.Run(v => DeviceKernels.Softmax.Backward(Device, v[0], v[1], v[2], rows, cols, accumulate), y, dy, (float[])dx0.Clone());
        Bits.Equal(backward[2], again[2], "dx, second launch");
    }

    [Theory]
    [InlineData(1, false, 1f)]
    [InlineData(5, false, 1f)]
    [InlineData(5, true, 1f)]
    [InlineData(16, true, 1f)]    // whole 16-lane rows: the CPU's masked-vector path
    [InlineData(19, false, 1f)]
    [InlineData(19, true, 1f)]
    [InlineData(16, false, 0.35355338f)]   // attention's 1/√d folded in by the generator
    [InlineData(19, true, 0.35355338f)]
    public void CausalSoftmaxMatchesTheCpu(int t, bool accumulate, float scale)
    {
        const int count = 3;
        int n = count * t * t;
        var s = GradientChecks.RandomInputs(n, 4, -5f, 5f);
        var dy = GradientChecks.RandomInputs(n, 5);
        var dx0 = GradientChecks.RandomInputs(n, 6);
        var y = new float[n];
        var dx = (float[])dx0.Clone();
        CpuKernels.CausalSoftmax.Forward(count, t, s, y, scale);
        CpuKernels.CausalSoftmax.Backward(count, t, y, dy, dx, accumulate, scale);

        var forward = Device.Run(v => DeviceKernels.CausalSoftmax.Forward(Device, count, t, v[0], v[1], scale), s, Filled(n, float.NaN));
        var backward = Device.Run(v => DeviceKernels.CausalSoftmax.Backward(Device, count, t, v[0], v[1], v[2], accumulate, scale), y, dy, (float[])dx0.Clone());
        // The CPU's exp is a vector polynomial and its sums go lane by lane: a relative 2e-6.
        Close.All(y, forward[1], 2e-6, "y");
        Close.All(dx, backward[2], 2e-6, "dx");
        for (int b = 0; b < count; b++)
            for (int i = 0; i < t; i++)
                for (int j = i + 1; j < t; j++)
                {
                    int at = (b * t + i) * t + j;
                    Assert.Equal(0, BitConverter.SingleToInt32Bits(forward[1][at]));   // exactly +0, NaN overwritten
                    Assert.Equal(accumulate ? dx0[at] : 0f, backward[2][at]);          // masked entries keep their gradient or get 0
                }
    }

    [Fact]
    public void CausalSoftmaxGivesTheSameBitsTwice()
    {
        const int count = 2, t = 9;
        var s = GradientChecks.RandomInputs(count * t * t, 7, -3f, 3f);
        var first = Device.Run(v => DeviceKernels.CausalSoftmax.Forward(Device, count, t, v[0], v[1]), s, new float[s.Length])[1];
        var second = Device.Run(v => DeviceKernels.CausalSoftmax.Forward(Device, count, t, v[0], v[1]), s, new float[s.Length])[1];
        Bits.Equal(first, second, "y");
    }

    [Fact]
    public void CausalSoftmaxRejectsAShortOutput()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Device.Run(v => DeviceKernels.CausalSoftmax.Forward(Device, 2, 3, v[0], v[1]), new float[18], new float[17]));
        Assert.Contains("CausalSoftmax.Forward: y must hold 18 floats", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SwapLastTwoIsTheCpusBitForBit(bool accumulate)
    {
        const int count = 3, rows = 5, cols = 17;
        var x = GradientChecks.RandomInputs(count * rows * cols, 8);
        var y0 = GradientChecks.RandomInputs(count * rows * cols, 9);
        var y = (float[])y0.Clone();
        CpuKernels.Permute.SwapLastTwo(count, rows, cols, x, y, accumulate);
        var device = Device.Run(v => DeviceKernels.Permute.SwapLastTwo(Device, count, rows, cols, v[0], v[1], accumulate), x, (float[])y0.Clone());
        Bits.Equal(y, device[1], "y");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HeadPermutationsAreTheCpusBitForBit(bool accumulate)
    {
        const int batch = 2, tokens = 3, heads = 4, headSize = 5, n = batch * tokens * heads * headSize;
        var x = GradientChecks.RandomInputs(n, 10);
        var y0 = GradientChecks.RandomInputs(n, 11);
        var split = (float[])y0.Clone();
        var merged = (float[])y0.Clone();
        CpuKernels.Permute.SplitHeads(batch, tokens, heads, headSize, x, split, accumulate);
        CpuKernels.Permute.MergeHeads(batch, tokens, heads, headSize, x, merged, accumulate);
        var deviceSplit = Device.Run(v => DeviceKernels.Permute.SplitHeads(Device, batch, tokens, heads, headSize, v[0], v[1], accumulate), x, (float[])y0.Clone());
        var deviceMerged = Device.Run(v => DeviceKernels.Permute.MergeHeads(Device, batch, tokens, heads, headSize, v[0], v[1], accumulate), x, (float[])y0.Clone());
        Bits.Equal(split, deviceSplit[1], "split");
        Bits.Equal(merged, deviceMerged[1], "merged");
    }

    [Fact]
    public void MergeHeadsUndoesSplitHeads()
    {
        const int batch = 2, tokens = 4, heads = 3, headSize = 2, n = batch * tokens * heads * headSize;
        var x = GradientChecks.RandomInputs(n, 12);
        var back = Device.Run(v =>
        {
            DeviceKernels.Permute.SplitHeads(Device, batch, tokens, heads, headSize, v[0], v[1], accumulate: false);
            DeviceKernels.Permute.MergeHeads(Device, batch, tokens, heads, headSize, v[1], v[2], accumulate: false);
        }, x, new float[n], new float[n])[2];
        Bits.Equal(x, back, "MergeHeads(SplitHeads(x))");
    }

    public static TheoryData<bool, bool, bool, float, int, int, int> GemmCases()
    {
        var data = new TheoryData<bool, bool, bool, float, int, int, int>();
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                data.Add(ta, tb, false, 1f, 5, 7, 3);
                data.Add(ta, tb, true, 0.35f, 6, 4, 18);   // k over one 16-deep slice
            }
        data.Add(false, true, false, 0.25f, 9, 70, 5);   // n across two tile edges (32, 64)
        data.Add(true, false, true, 1f, 66, 3, 4);       // m across two tile edges
        return data;
    }

    [Theory]
    [MemberData(nameof(GemmCases))]
    public void BatchedGemmMatchesTheCpu(bool transposeA, bool transposeB, bool accumulate, float alpha, int m, int n, int k)
    {
        const int count = 3;
        var a = GradientChecks.RandomInputs(count * m * k, 13);
        var b = GradientChecks.RandomInputs(count * k * n, 14);
        var c0 = GradientChecks.RandomInputs(count * m * n, 15);
        var c = (float[])c0.Clone();
        CpuKernels.BatchedGemm.Multiply(count, transposeA, transposeB, m, n, k, a, b, c, accumulate, alpha);
        var device = Device.Run(v => DeviceKernels.BatchedGemm.Multiply(Device, count, transposeA, transposeB, m, n, k, v[0], v[1], v[2], accumulate, alpha), a, b, (float[])c0.Clone());
        // Another summation order and FMA use than the CPU's blocked GEMM: a relative 1e-5 (k ≤ 18).
        Close.All(c, device[2], 1e-5, "c");
    }

    [Fact]
    public void BatchedGemmGivesTheSameBitsTwice()
    {
        const int count = 4, m = 6, n = 5, k = 21;
        var a = GradientChecks.RandomInputs(count * m * k, 16);
        var b = GradientChecks.RandomInputs(count * k * n, 17);
        float[] Run() => Device.Run(v => DeviceKernels.BatchedGemm.Multiply(Device, count, false, true, m, n, k, v[0], v[1], v[2], false, 0.5f), a, b, new float[count * m * n])[2];
        Bits.Equal(Run(), Run(), "c");
    }

    [Fact]
    public void BatchedGemmRejectsAShortOperand()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Device.Run(v => DeviceKernels.BatchedGemm.Multiply(Device, 2, false, false, 2, 3, 4, v[0], v[1], v[2], false), new float[16], new float[23], new float[12]));
        Assert.Contains("BatchedGemm.Multiply: b must hold 24 floats ([count, k, n] = [2, 4, 3])", e.Message);
    }

    private static float[] Filled(int n, float value)
    {
        var values = new float[n];
        Array.Fill(values, value);
        return values;
    }
}
