using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>Batched GEMM, head permutations and causal softmax against their definitions and finite differences.</summary>
public class AttentionTests
{
    [Theory]
    [InlineData(3, false, false, 5, 7, 4, false, 1f)]
    [InlineData(4, false, true, 64, 64, 32, false, 0.17677669f)]  // scores = Q·Kᵀ/√32
    [InlineData(2, true, false, 9, 6, 11, true, 1f)]              // dV = Pᵀ·dO, accumulated
    [InlineData(3, true, true, 6, 5, 3, true, -0.5f)]
    [InlineData(2, false, false, 1, 1, 1, false, 2f)]
    [InlineData(2, false, true, 4, 3, 0, true, 3f)]               // k = 0: adds nothing
    public void BatchedGemmComputesEveryProblem(int count, bool ta, bool tb, int m, int n, int k, bool accumulate, float alpha)
    {
        var rng = new SeededRandom((ulong)(m * 31 + n * 7 + k));
        var a = Random(rng, count * m * k);
        var b = Random(rng, count * k * n);
        var c0 = Random(rng, count * m * n);
        var c = (float[])c0.Clone();
        BatchedGemm.Multiply(count, ta, tb, m, n, k, a, b, c, accumulate, alpha);
        var expected = new double[c.Length];
        var bound = new double[c.Length];
        for (int p = 0; p < count; p++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0, magnitude = 0;
                    for (int q = 0; q < k; q++)
                    {
                        double av = ta ? a[p * m * k + q * m + i] : a[p * m * k + i * k + q];
                        double bv = tb ? b[p * k * n + j * k + q] : b[p * k * n + q * n + j];
                        sum += av * bv;
                        magnitude += Math.Abs(av * bv);
                    }
                    int at = p * m * n + i * n + j;
                    expected[at] = alpha * sum + (accumulate ? c0[at] : 0);
                    bound[at] = (k + 4) * 1.2e-7 * (Math.Abs(alpha) * magnitude + (accumulate ? Math.Abs(c0[at]) : 0));
                }
        WithinBound(expected, c, bound, $"C ({count}× {m}×{n}×{k})");
    }

    [Fact]
    public void SwapLastTwoTransposesEachMatrixAndIsItsOwnInverse()
    {
        const int count = 3, rows = 19, cols = 37; // several 16×16 tiles and ragged edges
        var x = Random(new SeededRandom(4), count * rows * cols);
        var y = new float[x.Length];
        Permute.SwapLastTwo(count, rows, cols, x, y, accumulate: false);
        for (int i = 0; i < count; i++)
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                    Assert.Equal(x[(i * rows + r) * cols + c], y[(i * cols + c) * rows + r]);
        var back = new float[x.Length];
        Permute.SwapLastTwo(count, cols, rows, y, back, accumulate: false);
        Bitwise(x, back, "round trip");
        Permute.SwapLastTwo(count, cols, rows, y, back, accumulate: true);
        Bitwise(x.Select(v => v + v).ToArray(), back, "accumulated");
    }

    [Fact]
    public void SplitAndMergeHeadsAreInversePermutations()
    {
        const int batch = 2, tokens = 5, heads = 3, headSize = 4;
        var x = Random(new SeededRandom(5), batch * tokens * heads * headSize);
        var split = new float[x.Length];
        Permute.SplitHeads(batch, tokens, heads, headSize, x, split, accumulate: false);
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < tokens; t++)
                for (int h = 0; h < heads; h++)
                    for (int d = 0; d < headSize; d++)
                        Assert.Equal(x[((b * tokens + t) * heads + h) * headSize + d], split[((b * heads + h) * tokens + t) * headSize + d]);
        var merged = new float[x.Length];
        Permute.MergeHeads(batch, tokens, heads, headSize, split, merged, accumulate: false);
        Bitwise(x, merged, "merge ∘ split");
        Permute.MergeHeads(batch, tokens, heads, headSize, split, merged, accumulate: true);
        Bitwise(x.Select(v => v + v).ToArray(), merged, "accumulated merge");
        var again = (float[])split.Clone();
        Permute.SplitHeads(batch, tokens, heads, headSize, x, again, accumulate: true);
        Bitwise(split.Select(v => v + v).ToArray(), again, "accumulated split");
    }

    private static double[] CausalReference(int count, int t, double[] s)
    {
        var y = new double[s.Length];
        for (int b = 0; b < count; b++)
            for (int i = 0; i < t; i++)
            {
                int row = (b * t + i) * t;
                double max = Enumerable.Range(0, i + 1).Max(j => s[row + j]);
                double sum = Enumerable.Range(0, i + 1).Sum(j => Math.Exp(s[row + j] - max));
                for (int j = 0; j <= i; j++) y[row + j] = Math.Exp(s[row + j] - max) / sum;
            }
        return y;
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(3, 17)]   // a vector of 16 and a ragged end
    [InlineData(1, 40)]
    [InlineData(70, 33)]  // enough blocks to run in parallel
    [InlineData(2, 16)]   // whole vectors: the masked-vector path
    [InlineData(3, 32)]
    [InlineData(40, 64)]
    public void CausalSoftmaxMatchesTheDefinitionAndFiniteDifferences(int count, int t)
    {
        var rng = new SeededRandom((ulong)(count * 100 + t));
        var s = Random(rng, count * t * t, -4f, 4f);
        var y = Enumerable.Repeat(float.NaN, s.Length).ToArray();
        CausalSoftmax.Forward(count, t, s, y);
        Close(CausalReference(count, t, ToDouble(s)), y, 2e-6, "y", scale: 1e-3);
        for (int b = 0; b < count; b++)
            for (int i = 0; i < t; i++)
                for (int j = i + 1; j < t; j++)
                    Assert.True(BitConverter.SingleToInt32Bits(y[(b * t + i) * t + j]) == 0, "masked entries are exactly +0");

        var dy = Random(rng, s.Length);
        var dx = Enumerable.Repeat(float.NaN, s.Length).ToArray();
        CausalSoftmax.Backward(count, t, y, dy, dx, accumulate: false);
        var expectedDx = new double[dx.Length];
        for (int row = 0; row < count * t; row++)
        {
            int i = row % t, at = row * t;
            double dot = Enumerable.Range(0, i + 1).Sum(j => (double)dy[at + j] * y[at + j]);
            for (int j = 0; j <= i; j++) expectedDx[at + j] = y[at + j] * (dy[at + j] - dot);
        }
        Close(expectedDx, dx, 1e-5, "dx", scale: 1e-2);
        if (count * t * t <= 4000)
            MatchesFiniteDifferences(ToDouble(s), dx, p => Dot(ToDouble(dy), CausalReference(count, t, p)), "dx", checks: 40, h: 1e-5, tolerance: 1e-4);
        for (int b = 0; b < count; b++)
            for (int i = 0; i < t; i++)
                for (int j = i + 1; j < t; j++)
                    Assert.Equal(0f, dx[(b * t + i) * t + j]);
        var old = Random(rng, s.Length);
        var sum = (float[])old.Clone();
        CausalSoftmax.Backward(count, t, y, dy, sum, accumulate: true);
        Bitwise(old.Select((v, i) => v + dx[i]).ToArray(), sum, "dx accumulated");
    }

    /// <summary>
    /// The generator folds attention's 1/√d into the softmax: forward(scale: c) of x is the
    /// softmax of the products c·x, and backward(scale: c) is c times the unscaled gradient, bit for
    /// bit, on both row paths, writing and accumulating (a negative scale too: masked entries get 0·c).
    /// </summary>
    [Theory]
    [InlineData(3, 64, 0.17677669f)]
    [InlineData(4, 17, 0.35355338f)]
    [InlineData(2, 16, -1.5f)]
    [InlineData(70, 33, 0.125f)]
    public void AScaleIsTheSeparateMultiplyBitForBit(int count, int t, float scale)
    {
        var rng = new SeededRandom((ulong)(count * 1000 + t));
        var x = Random(rng, count * t * t, -20f, 20f);
        var scaled = x.Select(v => v * scale).ToArray();
        var expected = new float[x.Length];
        CausalSoftmax.Forward(count, t, scaled, expected);
        var y = Enumerable.Repeat(float.NaN, x.Length).ToArray();
        CausalSoftmax.Forward(count, t, x, y, scale);
        Bitwise(expected, y, "y");

        var dy = Random(rng, x.Length);
        var g = new float[x.Length];
        CausalSoftmax.Backward(count, t, y, dy, g, accumulate: false);
        var dx = Enumerable.Repeat(float.NaN, x.Length).ToArray();
        CausalSoftmax.Backward(count, t, y, dy, dx, accumulate: false, scale);
        Bitwise(g.Select(v => scale * v).ToArray(), dx, "dx");
        var old = Random(rng, x.Length);
        var sum = (float[])old.Clone();
        CausalSoftmax.Backward(count, t, y, dy, sum, accumulate: true, scale);
        Bitwise(old.Select((v, i) => v + scale * g[i]).ToArray(), sum, "dx accumulated");
    }

    [Fact]
    public void BothRowPathsAreStableForHugeScoresAndPropagateNaN()
    {
        foreach (int t in new[] { 16, 15 })
        {
            var s = new float[t * t];
            for (int i = 0; i < t; i++)
                for (int j = 0; j < t; j++) s[i * t + j] = j == i ? 1e30f : -1e30f;
            s[5 * t + 2] = float.NaN;
            var y = new float[t * t];
            CausalSoftmax.Forward(1, t, s, y);
            for (int i = 0; i < t; i++)
                for (int j = 0; j < t; j++)
                {
                    float v = y[i * t + j];
                    if (i == 5 && j <= 5) Assert.True(float.IsNaN(v), $"t={t} y[5,{j}] = {v}");
                    else Assert.Equal(i == j ? 1f : 0f, v);
                }
        }
    }

    [Fact]
    public void CausalSoftmaxIsStableForHugeScores()
    {
        var s = new float[] { 1e30f, 0, 0, 1e30f, 1e30f, 0, -1e30f, 88f, 90f };
        var y = new float[9];
        CausalSoftmax.Forward(1, 3, s, y);
        Assert.Equal(new[] { 1f, 0f, 0f, 0.5f, 0.5f, 0f }, y.Take(6));
        Assert.Equal(0f, y[6]);
        Assert.Equal(1 / (1 + Math.Exp(2)), y[7], 1e-6);
        Assert.Equal(1 / (1 + Math.Exp(-2)), y[8], 1e-6);
    }

    [Fact]
    public void ArgumentErrorsNameTheArgument()
    {
        Names<ArgumentException>(() => BatchedGemm.Multiply(2, false, true, 3, 4, 5, new float[29], new float[40], new float[24], false), "a", "30", "29", "[count, m, k] = [2, 3, 5]");
        Names<ArgumentException>(() => BatchedGemm.Multiply(2, false, true, 3, 4, 5, new float[30], new float[39], new float[24], false), "b", "[count, n, k] = [2, 4, 5]");
        Names<ArgumentException>(() => BatchedGemm.Multiply(2, true, false, 3, 4, 5, new float[30], new float[40], new float[23], false), "c", "24", "23");
        Names<ArgumentOutOfRangeException>(() => BatchedGemm.Multiply(-1, false, false, 1, 1, 1, [], [], [], false), "count", "-1");
        Names<ArgumentException>(() => Permute.SwapLastTwo(2, 3, 4, new float[24], new float[23], false), "y", "[count, cols, rows] = [2, 4, 3]");
        Names<ArgumentException>(() => Permute.SplitHeads(2, 3, 4, 5, new float[119], new float[120], false), "x", "[batch, tokens, heads, headSize] = [2, 3, 4, 5]", "119");
        Names<ArgumentException>(() => Permute.MergeHeads(2, 3, 4, 5, new float[120], new float[100], false), "y", "120", "100");
        Names<ArgumentException>(() => CausalSoftmax.Forward(2, 3, new float[17], new float[18]), "scores", "18", "17");
        Names<ArgumentException>(() => CausalSoftmax.Backward(2, 3, new float[18], new float[10], new float[18], false), "dy", "18", "10");
        Names<ArgumentOutOfRangeException>(() => CausalSoftmax.Forward(2, 0, [], []), "t", "at least 1");
    }
}
