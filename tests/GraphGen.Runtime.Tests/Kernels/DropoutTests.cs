using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>Inverted dropout: keep rate, exact counter-based masks, scaling, gradient and argument rules.</summary>
public class DropoutTests
{
    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void KeepsAboutOneMinusPAndScalesTheSurvivors(float p)
    {
        const int n = 200_003;
        var x = Random(new SeededRandom(1), n);
        var y = new float[n];
        var mask = new float[n];
        Dropout.Forward(x, y, mask, p, seed: 42, step: 7);
        float scale = 1f / (1f - p);
        int kept = 0, keptPairs = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.True(mask[i] == 0f || mask[i] == scale, $"mask[{i}] = {mask[i]}");
            Assert.Equal(x[i] * mask[i], y[i]);
            if (mask[i] != 0f) kept++;
            if (i > 0 && mask[i] != 0f && mask[i - 1] != 0f) keptPairs++;
        }
        double q = 1 - p, sigma = Math.Sqrt(p * q / n);
        Assert.InRange(kept / (double)n, q - 5 * sigma, q + 5 * sigma);
        // neighbours are independent: both kept with probability (1 − p)²
        double pairSigma = Math.Sqrt(q * q * (1 - q * q) / n);
        Assert.InRange(keptPairs / (double)(n - 1), q * q - 6 * pairSigma, q * q + 6 * pairSigma);
    }

    [Fact]
    public void TheMaskIsTheDocumentedHashOfSeedStepAndIndex()
    {
        const int n = 1003; // vector body and scalar tail
        const float p = 0.3f;
        var mask = new float[n];
        Dropout.Forward(new float[n], new float[n], mask, p, seed: 123456789, step: 99);
        ulong threshold = (ulong)Math.Ceiling(p * 4294967296.0);
        for (int i = 0; i < n; i++)
        {
            bool keep = CounterHashReference.At(123456789, 99, CounterHashReference.DropoutStream, (ulong)i) >> 32 >= threshold;
            Assert.Equal(keep ? 1f / (1f - p) : 0f, mask[i]);
        }
    }

    [Fact]
    public void MasksDependOnlyOnSeedStepAndIndexNotOnCallOrderOrLength()
    {
        float[] Mask(ulong seed, ulong step, int n)
        {
            var mask = new float[n];
            Dropout.Forward(new float[n], new float[n], mask, 0.5f, seed, step);
            return mask;
        }
        var a5 = Mask(1, 5, 777);
        var a3 = Mask(1, 3, 777);
        Bitwise(a5, Mask(1, 5, 777), "same seed and step");
        Bitwise(a3, Mask(1, 3, 777), "an earlier step asked for later");
        Bitwise(a5.AsSpan(0, 100), Mask(1, 5, 100), "a shorter span is a prefix");
        int differ = a5.Zip(a3).Count(t => t.First != t.Second);
        Assert.InRange(differ, 777 / 2 - 80, 777 / 2 + 80);
        int differSeed = a5.Zip(Mask(2, 5, 777)).Count(t => t.First != t.Second);
        Assert.InRange(differSeed, 777 / 2 - 80, 777 / 2 + 80);
    }

    [Fact]
    public void ZeroCopiesAndOneDropsEverything()
    {
        var x = Random(new SeededRandom(2), 50);
        var y = new float[50];
        var mask = new float[50];
        Dropout.Forward(x, y, mask, 0f, 1, 1);
        Bitwise(x, y, "p = 0");
        Assert.All(mask, m => Assert.Equal(1f, m));
        Dropout.Forward(x, y, mask, 1f, 1, 1);
        Assert.All(y, v => Assert.Equal(0f, v));
        Assert.All(mask, m => Assert.Equal(0f, m));
    }

    [Fact]
    public void BackwardMultipliesByTheMask()
    {
        var rng = new SeededRandom(3);
        var x = Random(rng, 101);
        var y = new float[101];
        var mask = new float[101];
        Dropout.Forward(x, y, mask, 0.25f, 8, 9);
        var dy = Random(rng, 101);
        var dx = new float[101];
        Dropout.Backward(dy, mask, dx, accumulate: false);
        Bitwise(dy.Select((g, i) => g * mask[i]).ToArray(), dx, "dx");
        var old = Random(rng, 101);
        var sum = (float[])old.Clone();
        Dropout.Backward(dy, mask, sum, accumulate: true);
        Bitwise(old.Select((v, i) => v + dx[i]).ToArray(), sum, "dx accumulated");
    }

    [Fact]
    public void ArgumentErrorsNameTheArgument()
    {
        var x = new float[10];
        Names<ArgumentOutOfRangeException>(() => Dropout.Forward(x, x, x, 1.5f, 0, 0), "p", "[0, 1]");
        Names<ArgumentOutOfRangeException>(() => Dropout.Forward(x, x, x, float.NaN, 0, 0), "p", "[0, 1]");
        Names<ArgumentException>(() => Dropout.Forward(x, x, new float[9], 0.5f, 0, 0), "mask", "10", "9");
        Names<ArgumentException>(() => Dropout.Forward(x, new float[3], x, 0.5f, 0, 0), "y", "10", "3");
        Names<ArgumentException>(() => Dropout.Backward(x, new float[4], x, false), "mask", "10", "4");
        Names<ArgumentException>(() => Dropout.Backward(x, x, new float[4], false), "dx", "10", "4");
    }
}
