using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>Counter-based standard normal noise: moments, tails, determinism and the documented formula.</summary>
public class GaussianNoiseTests
{
    [Fact]
    public void SamplesHaveMeanZeroVarianceOneAndNormalTails()
    {
        const int n = 200_001;
        var eps = new float[n];
        GaussianNoise.Fill(eps, seed: 11, step: 3);
        double mean = eps.Average(v => (double)v);
        double variance = eps.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        double kurtosis = eps.Sum(v => Math.Pow(v - mean, 4)) / n / (variance * variance);
        Assert.InRange(mean, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
        Assert.InRange(variance, 1 - 5 * Math.Sqrt(2.0 / n), 1 + 5 * Math.Sqrt(2.0 / n));
        Assert.InRange(kurtosis, 2.9, 3.1);
        double withinOne = eps.Count(v => Math.Abs(v) < 1) / (double)n;
        Assert.InRange(withinOne, 0.6827 - 0.005, 0.6827 + 0.005);
        Assert.All(eps, v => Assert.InRange(v, -5.78f, 5.78f));
        // the cos and sin halves of a pair are uncorrelated
        double pairs = 0;
        for (int i = 0; i + 1 < n; i += 2) pairs += eps[i] * eps[i + 1];
        Assert.InRange(pairs / (n / 2), -0.02, 0.02);
    }

    [Fact]
    public void SamplesAreTheDocumentedBoxMullerOfTheCounterHash()
    {
        var eps = new float[9];
        GaussianNoise.Fill(eps, seed: 5, step: 6);
        for (int i = 0; i < eps.Length; i++)
        {
            ulong h = CounterHashReference.At(5, 6, CounterHashReference.NoiseStream, (ulong)(i / 2));
            double u1 = ((h >> 40) + 1) / 16777216.0, u2 = ((h >> 16) & 0xFFFFFF) / 16777216.0;
            double r = Math.Sqrt(-2 * Math.Log(u1)), theta = 2 * Math.PI * u2;
            Assert.Equal((float)(i % 2 == 0 ? r * Math.Cos(theta) : r * Math.Sin(theta)), eps[i], 1e-6f);
        }
    }

    [Fact]
    public void NoiseDependsOnlyOnSeedStepAndIndex()
    {
        float[] Fill(ulong seed, ulong step, int n)
        {
            var eps = new float[n];
            GaussianNoise.Fill(eps, seed, step);
            return eps;
        }
        var a = Fill(1, 2, 1001);
        Bitwise(a, Fill(1, 2, 1001), "same seed and step");
        Bitwise(a.AsSpan(0, 333), Fill(1, 2, 333), "a shorter (odd) span is a prefix");
        Assert.True(a.Zip(Fill(1, 3, 1001)).Count(t => t.First == t.Second) < 5, "another step gives other noise");
        Assert.True(a.Zip(Fill(2, 2, 1001)).Count(t => t.First == t.Second) < 5, "another seed gives other noise");
        // the same (seed, step) gives dropout and noise unrelated bits: different stream tags
        Assert.NotEqual(CounterHashReference.At(1, 2, CounterHashReference.DropoutStream, 0), CounterHashReference.At(1, 2, CounterHashReference.NoiseStream, 0));
    }
}
