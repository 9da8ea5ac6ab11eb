using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>Layer normalisation against its definition, finite differences, and its accumulate and argument rules.</summary>
public class LayerNormTests
{
    /// <summary>
    /// Two rows' statistics computed together are the bits of each computed alone (the forward pass
    /// takes rows in pairs, and which rows pair up depends on how the rows are split over threads).
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(128)]
    public void PairedRowStatisticsAreTheBitsOfSingleRows(int cols)
    {
        var rng = new SeededRandom((ulong)cols);
        var x0 = Random(rng, cols, -3f, 5f);
        var x1 = Random(rng, cols, 100f, 101f);   // a large mean: the centred sum must not lose it
        NormalizationMath.RowStatistics2(x0, x1, 1e-5f, out double mean0, out double invStd0, out double mean1, out double invStd1);
        foreach (var (x, mean, invStd) in new[] { (x0, mean0, invStd0), (x1, mean1, invStd1) })
        {
            double m = NormalizationMath.Sum(x) / cols;
            Assert.Equal(BitConverter.DoubleToInt64Bits(m), BitConverter.DoubleToInt64Bits(mean));
            double s = 1.0 / Math.Sqrt(NormalizationMath.SumSquares(x, m) / cols + 1e-5f);
            Assert.Equal(BitConverter.DoubleToInt64Bits(s), BitConverter.DoubleToInt64Bits(invStd));
        }
    }

    [Theory]
    [InlineData(3, 7, true)]
    [InlineData(5, 16, true)]
    [InlineData(4, 37, false)]
    [InlineData(2, 64, true)]
    public void ForwardMatchesTheDefinitionAndBackwardMatchesFiniteDifferences(int rows, int cols, bool affine)
    {
        var rng = new SeededRandom((ulong)(rows * 1000 + cols));
        var x = Random(rng, rows * cols, -2f, 4f);
        float[] gamma = affine ? Random(rng, cols, 0.5f, 1.5f) : [], beta = affine ? Random(rng, cols) : [];
        var y = new float[x.Length];
        var mean = new float[rows];
        var invStd = new float[rows];
        LayerNorm.Forward(rows, cols, x, gamma, beta, y, mean, invStd);
        double[] xd = ToDouble(x);
        double[]? gd = affine ? ToDouble(gamma) : null, bd = affine ? ToDouble(beta) : null;
        Close(NormalizationReference.LayerNorm(rows, cols, xd, gd, bd, 1e-5), y, 1e-6, "y");
        for (int r = 0; r < rows; r++)
        {
            var row = xd.Skip(r * cols).Take(cols).ToArray();
            double m = row.Average();
            Assert.Equal(m, mean[r], 1e-6);
            Assert.Equal(1 / Math.Sqrt(row.Sum(v => (v - m) * (v - m)) / cols + 1e-5), invStd[r], 1e-5);
        }

        var dy = Random(rng, x.Length);
        var dx = new float[x.Length];
        float[] dgamma = affine ? new float[cols] : [], dbeta = affine ? new float[cols] : [];
        LayerNorm.Backward(rows, cols, dy, x, gamma, mean, invStd, dx, dgamma, dbeta, accumulate: false);
        var rd = ToDouble(dy);
        double Loss() => Dot(rd, NormalizationReference.LayerNorm(rows, cols, xd, gd, bd, 1e-5));
        MatchesFiniteDifferences(xd, dx, _ => Loss(), "dx", checks: 30, h: 1e-5, tolerance: 1e-4);
        if (affine)
        {
            MatchesFiniteDifferences(gd!, dgamma, _ => Loss(), "dgamma", h: 1e-5, tolerance: 1e-4);
            MatchesFiniteDifferences(bd!, dbeta, _ => Loss(), "dbeta", h: 1e-5, tolerance: 1e-4);
        }

        var (dx2, dgamma2, dbeta2) = (Random(rng, x.Length), affine ? Random(rng, cols) : [], affine ? Random(rng, cols) : []);
        var (old, oldG, oldB) = ((float[])dx2.Clone(), (float[])dgamma2.Clone(), (float[])dbeta2.Clone());
        LayerNorm.Backward(rows, cols, dy, x, gamma, mean, invStd, dx2, dgamma2, dbeta2, accumulate: true);
        Bitwise(old.Select((v, i) => v + dx[i]).ToArray(), dx2, "dx accumulated");
        Bitwise(oldG.Select((v, i) => v + dgamma[i]).ToArray(), dgamma2, "dgamma accumulated");
        Bitwise(oldB.Select((v, i) => v + dbeta[i]).ToArray(), dbeta2, "dbeta accumulated");
    }

    [Fact]
    public void ALargeMeanCostsNoPrecision()
    {
        const int rows = 3, cols = 40;
        var x = Random(new SeededRandom(3), rows * cols).Select(v => -5000f + 0.05f * v).ToArray();
        var y = new float[x.Length];
        LayerNorm.Forward(rows, cols, x, [], [], y, new float[rows], new float[rows]);
        Close(NormalizationReference.LayerNorm(rows, cols, ToDouble(x), null, null, 1e-5), y, 2e-6, "y");
    }

    [Fact]
    public void ArgumentErrorsNameTheArgument()
    {
        var x = new float[21];
        float[] c7 = new float[7], r3 = new float[3];
        Names<ArgumentException>(() => LayerNorm.Forward(3, 7, new float[20], c7, c7, x, r3, r3), "x", "21", "20", "[3, 7]");
        Names<ArgumentException>(() => LayerNorm.Forward(3, 7, x, c7, c7, new float[2], r3, r3), "y", "21", "2");
        Names<ArgumentException>(() => LayerNorm.Forward(3, 7, x, new float[6], c7, x, r3, r3), "gamma", "7", "6");
        Names<ArgumentException>(() => LayerNorm.Forward(3, 7, x, [], c7, x, r3, r3), "beta", "both");
        Names<ArgumentException>(() => LayerNorm.Forward(3, 7, x, c7, c7, x, new float[2], r3), "savedMean", "3", "2");
        Names<ArgumentOutOfRangeException>(() => LayerNorm.Forward(3, 7, x, c7, c7, x, r3, r3, epsilon: -1f), "epsilon", "positive");
        Names<ArgumentException>(() => LayerNorm.Backward(3, 7, new float[3], x, c7, r3, r3, x, c7, c7, false), "dy", "21", "3");
        Names<ArgumentException>(() => LayerNorm.Backward(3, 7, x, x, c7, r3, r3, x, c7, new float[8], false), "dbeta", "7", "8");
        Names<ArgumentOutOfRangeException>(() => LayerNorm.Backward(3, 0, x, x, c7, r3, r3, x, c7, c7, false), "cols", "at least 1");
    }
}
