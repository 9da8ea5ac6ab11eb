using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>Batch normalisation against its definition, finite differences, and its accumulate and argument rules.</summary>
public class BatchNormTests
{
    [Theory]
    [InlineData(2, 3, 1, true)]
    [InlineData(7, 5, 1, false)]
    [InlineData(3, 4, 5, true)]
    [InlineData(2, 3, 37, true)]
    [InlineData(1, 2, 49, false)]
    public void TrainingForwardMatchesTheDefinition(int batch, int channels, int spatial, bool affine)
    {
        var rng = new SeededRandom((ulong)(batch * 100 + spatial));
        var x = Random(rng, batch * channels * spatial, -2f, 3f);
        float[] gamma = affine ? Random(rng, channels, 0.5f, 1.5f) : [], beta = affine ? Random(rng, channels) : [];
        var runningMean = Random(rng, channels);
        var runningVar = Random(rng, channels, 0.5f, 2f);
        var (mean0, var0) = ((float[])runningMean.Clone(), (float[])runningVar.Clone());
        var y = new float[x.Length];
        var mean = new float[channels];
        var invStd = new float[channels];
        BatchNorm.ForwardTraining(batch, channels, spatial, x, gamma, beta, y, mean, invStd, runningMean, runningVar, momentum: 0.3f, epsilon: 1e-4f);

        var (ey, emean, evar) = NormalizationReference.BatchNorm(batch, channels, spatial, ToDouble(x),
            affine ? ToDouble(gamma) : null, affine ? ToDouble(beta) : null, 1e-4);
        Close(ey, y, 1e-6, "y");
        Close(emean, mean, 1e-7, "savedMean");
        Close(evar.Select(v => 1 / Math.Sqrt(v + 1e-4)).ToArray(), invStd, 1e-7, "savedInvStd");
        int n = batch * spatial;
        Close(emean.Select((m, c) => 0.7 * mean0[c] + 0.3 * m).ToArray(), runningMean, 1e-6, "runningMean");
        Close(evar.Select((v, c) => 0.7 * var0[c] + 0.3 * v * n / (n - 1)).ToArray(), runningVar, 1e-6, "runningVar (unbiased)");
    }

    /// <summary>
    /// Training with the activation applied as each plane is normalised: bit for bit BatchNorm then
    /// the activation kernel, with the same statistics, over planes (parallel slices, a ragged last
    /// vector) and the dense form (spatial 1), on one thread and two.
    /// </summary>
    [Theory]
    [InlineData(64, 16, 784)]
    [InlineData(5, 3, 37)]
    [InlineData(9, 6, 1)]
    public void TrainingWithAnActivationIsBatchNormThenTheActivation(int batch, int channels, int spatial)
    {
        var rng = new SeededRandom(31);
        var x = Random(rng, batch * channels * spatial, -3f, 4f);
        var gamma = Random(rng, channels);
        var beta = Random(rng, channels);
        float[] Run(bool fused, string activation, int threads) => WithThreads<float[]>(threads, () =>
        {
            var y = new float[x.Length];
            float[] mean = new float[channels], invStd = new float[channels], runningMean = new float[channels], runningVar = Enumerable.Repeat(1f, channels).ToArray();
            if (!fused)
            {
                BatchNorm.ForwardTraining(batch, channels, spatial, x, gamma, beta, y, mean, invStd, runningMean, runningVar, 0.1f, 1e-5f);
                if (activation == "Relu") Activations.Forward(new Relu(), y, y);
                else Activations.Forward(new Gelu(), y, y);
            }
            else if (activation == "Relu") BatchNorm.ForwardTraining(batch, channels, spatial, x, gamma, beta, y, mean, invStd, runningMean, runningVar, 0.1f, 1e-5f, new Relu());
            else BatchNorm.ForwardTraining(batch, channels, spatial, x, gamma, beta, y, mean, invStd, runningMean, runningVar, 0.1f, 1e-5f, new Gelu());
            return [.. y, .. mean, .. invStd, .. runningMean, .. runningVar];
        });
        foreach (var activation in new[] { "Relu", "Gelu" })
        {
            var expected = Run(fused: false, activation, threads: 2);
            Bitwise(expected, Run(fused: true, activation, threads: 1), $"{activation}, one thread");
            Bitwise(expected, Run(fused: true, activation, threads: 2), $"{activation}, two threads");
        }
    }

    /// <summary>An output buffer longer than the tensor keeps what lies past it, dense (spatial 1) and over planes.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void TrainingWithAnActivationLeavesThePastTheTensorAlone(int spatial)
    {
        const int batch = 4, channels = 3;
        var x = Random(new SeededRandom(5), batch * channels * spatial);
        var y = Enumerable.Repeat(-5f, batch * channels * spatial + 4).ToArray();
        BatchNorm.ForwardTraining(batch, channels, spatial, x, default, default, y, new float[channels], new float[channels], default, default, 0.1f, 1e-5f, new Relu());
        Assert.All(y[^4..], v => Assert.Equal(-5f, v));
    }

    [Fact]
    public void ALargeMeanCostsNoPrecision()
    {
        // Values 1000 ± 0.01: float sums or y = a·x + b would lose five digits to cancellation.
        const int batch = 4, channels = 2, spatial = 9;
        var rng = new SeededRandom(5);
        var x = Random(rng, batch * channels * spatial).Select(v => 1000f + 0.01f * v).ToArray();
        var y = new float[x.Length];
        BatchNorm.ForwardTraining(batch, channels, spatial, x, [], [], y, new float[channels], new float[channels], [], []);
        var (ey, _, _) = NormalizationReference.BatchNorm(batch, channels, spatial, ToDouble(x), null, null, 1e-5);
        Close(ey, y, 2e-6, "y");
    }

    [Fact]
    public void OnePassStatisticsStayExactFarFromZero()
    {
        // One read gives Σ(x − K) and Σ(x − K)² with K a value of the channel: at a mean of 10⁵ times
        // the spread, S₂ − S₁²/N around 0 would lose about ten digits of a double; around K none.
        const int batch = 6, channels = 3, spatial = 49;
        var rng = new SeededRandom(8);
        var x = Random(rng, batch * channels * spatial).Select(v => 3000f + 0.01f * v).ToArray();
        var y = new float[x.Length];
        var mean = new float[channels];
        var invStd = new float[channels];
        BatchNorm.ForwardTraining(batch, channels, spatial, x, [], [], y, mean, invStd, new float[channels], Enumerable.Repeat(1f, channels).ToArray());
        var (ey, emean, evariance) = NormalizationReference.BatchNorm(batch, channels, spatial, ToDouble(x), null, null, 1e-5);
        Close(ey, y, 2e-6, "y");
        Close(emean, mean, 1e-7, "saved mean");
        Close(evariance.Select(v => 1 / Math.Sqrt(v + 1e-5)).ToArray(), invStd, 1e-6, "saved invstd");
    }

    [Theory]
    [InlineData(4, 3, 1)]
    [InlineData(2, 3, 6)]
    [InlineData(3, 2, 17)]
    public void BackwardMatchesFiniteDifferencesOfTheTrainingForward(int batch, int channels, int spatial)
    {
        var rng = new SeededRandom((ulong)(7 * batch + spatial));
        var x = Random(rng, batch * channels * spatial, -2f, 2f);
        var gamma = Random(rng, channels, 0.5f, 1.5f);
        var beta = Random(rng, channels);
        var r = Random(rng, x.Length);
        var y = new float[x.Length];
        var mean = new float[channels];
        var invStd = new float[channels];
        BatchNorm.ForwardTraining(batch, channels, spatial, x, gamma, beta, y, mean, invStd, [], []);
        var dx = new float[x.Length];
        var dgamma = new float[channels];
        var dbeta = new float[channels];
        BatchNorm.Backward(batch, channels, spatial, r, x, gamma, mean, invStd, dx, dgamma, dbeta, accumulate: false);

        double[] xd = ToDouble(x), gd = ToDouble(gamma), bd = ToDouble(beta), rd = ToDouble(r);
        double Loss() => Dot(rd, NormalizationReference.BatchNorm(batch, channels, spatial, xd, gd, bd, 1e-5).Y);
        MatchesFiniteDifferences(xd, dx, _ => Loss(), "dx", checks: 30, h: 1e-5, tolerance: 1e-4);
        MatchesFiniteDifferences(gd, dgamma, _ => Loss(), "dgamma", h: 1e-5, tolerance: 1e-4);
        MatchesFiniteDifferences(bd, dbeta, _ => Loss(), "dbeta", h: 1e-5, tolerance: 1e-4);

        // accumulate adds exactly what a write produces, to all three gradients
        var (dx2, dgamma2, dbeta2) = (Random(rng, x.Length), Random(rng, channels), Random(rng, channels));
        var (old, oldG, oldB) = ((float[])dx2.Clone(), (float[])dgamma2.Clone(), (float[])dbeta2.Clone());
        BatchNorm.Backward(batch, channels, spatial, r, x, gamma, mean, invStd, dx2, dgamma2, dbeta2, accumulate: true);
        Bitwise(old.Select((v, i) => v + dx[i]).ToArray(), dx2, "dx accumulated");
        Bitwise(oldG.Select((v, i) => v + dgamma[i]).ToArray(), dgamma2, "dgamma accumulated");
        Bitwise(oldB.Select((v, i) => v + dbeta[i]).ToArray(), dbeta2, "dbeta accumulated");

        // without affine parameters: γ = 1, and the parameter gradients may be skipped
        var dxPlain = new float[x.Length];
        BatchNorm.Backward(batch, channels, spatial, r, x, [], mean, invStd, dxPlain, [], [], accumulate: false);
        double PlainLoss() => Dot(rd, NormalizationReference.BatchNorm(batch, channels, spatial, xd, null, null, 1e-5).Y);
        MatchesFiniteDifferences(xd, dxPlain, _ => PlainLoss(), "dx without γ", checks: 20, h: 1e-5, tolerance: 1e-4);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void InferenceUsesTheRunningStatistics(int spatial)
    {
        const int batch = 3, channels = 4;
        var rng = new SeededRandom(8);
        var x = Random(rng, batch * channels * spatial);
        var gamma = Random(rng, channels);
        var beta = Random(rng, channels);
        var mean = Random(rng, channels);
        var variance = Random(rng, channels, 0.1f, 2f);
        var y = new float[x.Length];
        BatchNorm.ForwardInference(batch, channels, spatial, x, gamma, beta, mean, variance, y, epsilon: 1e-3f);
        var expected = x.Select((v, i) =>
        {
            int c = i / spatial % channels;
            return gamma[c] * (v - (double)mean[c]) / Math.Sqrt(variance[c] + 1e-3) + beta[c];
        }).ToArray();
        Close(expected, y, 1e-6, "y");
    }

    [Theory]
    [InlineData(false, true, "Direct")]
    [InlineData(true, true, "Im2ColGemm")]
    [InlineData(true, false, "Direct")]
    [InlineData(false, false, "Im2ColGemm")]
    public void FoldedIntoTheConvolutionItGivesTheConvolutionThenInference(bool convBias, bool affine, string algorithm)
    {
        // BN(W ⋆ x + b) with the running statistics, against one convolution with W' and b'.
        var s = new Conv2dShape(3, 9, 8, 5, 3, 3, PadH: 1, PadW: 1);
        const int batch = 2;
        var rng = new SeededRandom(21);
        var x = Random(rng, batch * s.InputSize);
        var w = Random(rng, s.WeightSize);
        var b = convBias ? Random(rng, s.OutChannels) : [];
        var gamma = affine ? Random(rng, s.OutChannels) : [];
        var beta = affine ? Random(rng, s.OutChannels) : [];
        var mean = Random(rng, s.OutChannels);
        var variance = Random(rng, s.OutChannels, 0.1f, 2f);
        var conv = new float[batch * s.OutputSize];
        var expected = new float[conv.Length];
        var folded = new float[conv.Length];
        var foldedWeight = new float[s.WeightSize];
        var foldedBias = new float[s.OutChannels];
        ConvAlgorithms.Forced = Enum.Parse<ConvAlgorithm>(algorithm);
        try
        {
            Conv2d.Forward(s, batch, x, w, b, conv);
            BatchNorm.ForwardInference(batch, s.OutChannels, s.OutPlane, conv, gamma, beta, mean, variance, expected, epsilon: 1e-3f);
            BatchNorm.FoldIntoConvolution(s.OutChannels, s.GroupWeightColumns, w, b, gamma, beta, mean, variance, foldedWeight, foldedBias, epsilon: 1e-3f);
            Conv2d.Forward(s, batch, x, foldedWeight, foldedBias, folded, new Relu());
        }
        finally
        {
            ConvAlgorithms.Forced = null;
        }
        // Rounding only: W'·x sums 27 products whose sizes are those of the unfolded sum times s.
        Close(expected.Select(v => (double)Math.Max(v, 0f)).ToArray(), folded, 2e-5, "relu(BN(conv)) folded");
        Names<ArgumentException>(() => BatchNorm.FoldIntoConvolution(5, 27, w, b, gamma, beta, mean, variance, new float[26 * 5], foldedBias), "foldedWeight", "[5, 27]");
        Names<ArgumentException>(() => BatchNorm.FoldIntoConvolution(5, 27, w, new float[4], gamma, beta, mean, variance, foldedWeight, foldedBias), "bias", "5", "4");
    }

    /// <summary>
    /// The folded weights are exactly (float)(W·s) with s = γ/√(var + ε) in double, for rows that
    /// take whole 16-float vectors, a tail, or only the tail (the definition, value for value).
    /// </summary>
    [Theory]
    [InlineData(3, 7)]
    [InlineData(4, 16)]
    [InlineData(5, 27)]
    [InlineData(2, 1152)]
    public void FoldedWeightsAreTheScaledWeightsRoundedOnce(int outChannels, int rowSize)
    {
        var rng = new SeededRandom(33);
        var w = Random(rng, outChannels * rowSize, -3f, 3f);
        var gamma = Random(rng, outChannels);
        var beta = Random(rng, outChannels);
        var mean = Random(rng, outChannels);
        var variance = Random(rng, outChannels, 0.1f, 2f);
        var foldedWeight = new float[w.Length];
        var foldedBias = new float[outChannels];
        BatchNorm.FoldIntoConvolution(outChannels, rowSize, w, default, gamma, beta, mean, variance, foldedWeight, foldedBias, epsilon: 1e-3f);
        for (int o = 0; o < outChannels; o++)
        {
            double s = gamma[o] / Math.Sqrt((double)variance[o] + 1e-3f);
            for (int i = 0; i < rowSize; i++)
                Assert.Equal((float)(w[o * rowSize + i] * s), foldedWeight[o * rowSize + i]);
            Assert.Equal((float)(beta[o] - mean[o] * s), foldedBias[o]);
        }
    }

    [Fact]
    public void ArgumentErrorsNameTheArgument()
    {
        var x = new float[24];
        float[] c4 = new float[4], c3 = new float[3];
        Names<ArgumentException>(() => BatchNorm.ForwardTraining(2, 4, 3, new float[23], c4, c4, x, c4, c4, c4, c4), "x", "24", "23", "[2, 4, 3]");
        Names<ArgumentException>(() => BatchNorm.ForwardTraining(2, 4, 3, x, c3, c4, x, c4, c4, c4, c4), "gamma", "4", "3");
        Names<ArgumentException>(() => BatchNorm.ForwardTraining(2, 4, 3, x, c4, [], x, c4, c4, c4, c4), "beta", "both");
        Names<ArgumentException>(() => BatchNorm.ForwardTraining(2, 4, 3, x, c4, c4, x, c3, c4, c4, c4), "savedMean", "4", "3");
        Names<ArgumentException>(() => BatchNorm.ForwardTraining(2, 4, 3, x, c4, c4, x, c4, c4, c4, []), "runningVar", "both");
        Names<ArgumentException>(() => BatchNorm.ForwardTraining(1, 4, 1, new float[4], c4, c4, new float[4], c4, c4, c4, c4), "batch", "more than one value");
        Names<ArgumentOutOfRangeException>(() => BatchNorm.ForwardTraining(2, 4, 3, x, c4, c4, x, c4, c4, c4, c4, momentum: 1.5f), "momentum", "[0, 1]");
        Names<ArgumentOutOfRangeException>(() => BatchNorm.ForwardTraining(2, 4, 3, x, c4, c4, x, c4, c4, c4, c4, epsilon: 0f), "epsilon", "positive");
        Names<ArgumentException>(() => BatchNorm.ForwardInference(2, 4, 3, x, c4, c4, c4, c3, x), "runningVar", "4", "3");
        Names<ArgumentException>(() => BatchNorm.Backward(2, 4, 3, new float[20], x, c4, c4, c4, x, c4, c4, false), "dy", "24", "20");
        Names<ArgumentException>(() => BatchNorm.Backward(2, 4, 3, x, x, c4, c4, c4, x, c3, c4, false), "dgamma", "4", "3");
        Names<ArgumentOutOfRangeException>(() => BatchNorm.Backward(2, 0, 3, x, x, c4, c4, c4, x, c4, c4, false), "channels", "at least 1");
    }
}
