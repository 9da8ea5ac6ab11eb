using GraphGen.Data;

namespace GraphGen.Distributed.TestHost;

/// <summary>
/// Seeded synthetic datasets with 12 features per sample and a learnable rule: every rank
/// builds the same bits. 203 samples: with global batches of 24 the last batch of each epoch
/// holds 11, which two ranks split 5 and 6.
/// </summary>
public static class SyntheticData
{
    public const int Samples = 203, Features = 12;

    public static float[] FeaturesOf(ulong seed, int count)
    {
        var random = new SeededRandom(seed);
        var x = new float[count * Features];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextGaussian();
        return x;
    }

    /// <summary>Four classes: which of four fixed directions a sample points most along.</summary>
    public static Dataset Classes(ulong seed, int count = Samples)
    {
        float[] x = FeaturesOf(seed, count);
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            var row = x.AsSpan(i * Features, Features);
            float best = float.NegativeInfinity;
            for (int c = 0; c < 4; c++)
            {
                float score = row[c] + 0.5f * row[c + 4] - 0.25f * row[c + 8];
                if (score > best) (best, labels[i]) = (score, c);
            }
        }
        return new Dataset(x, [Features], labels, classCount: 4);
    }

    /// <summary>Five tags per sample from signs of feature pairs; every third sample has its last two tags ignored (-1).</summary>
    public static Dataset Tags(ulong seed, int count = Samples)
    {
        float[] x = FeaturesOf(seed, count);
        var tags = new int[count * 5];
        for (int i = 0; i < count; i++)
            for (int t = 0; t < 5; t++)
            {
                float a = x[i * Features + t], b = x[i * Features + t + 5];
                tags[i * 5 + t] = i % 3 == 0 && t >= 3 ? -1 : a > 0.3f ? 0 : b > 0 ? 1 : 2;
            }
        return new Dataset(x, [Features], tags, classCount: 3, labelsPerSample: 5, ignoredLabel: -1);
    }

    /// <summary>Two real targets: a fixed linear map of the features plus a squared term.</summary>
    public static Dataset Regression(ulong seed, int count = Samples)
    {
        float[] x = FeaturesOf(seed, count);
        var y = new float[count * 2];
        for (int i = 0; i < count; i++)
        {
            var row = x.AsSpan(i * Features, Features);
            float s = 0, t = 0;
            for (int f = 0; f < Features; f++)
            {
                s += row[f] * (f % 3 - 1);
                t += row[f] * 0.1f * (f - 6);
            }
            y[i * 2] = s;
            y[i * 2 + 1] = t * t;
        }
        return new Dataset(x, [Features], y, targetSize: 2);
    }

    /// <summary>MNIST-shaped images whose class decides which band of rows is bright (as in the examples' smoke tests).</summary>
    public static Dataset Images(ulong seed, int count)
    {
        var random = new SeededRandom(seed);
        var features = new float[count * 784];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.NextInt(10);
            for (int p = 0; p < 784; p++)
                features[i * 784 + p] = (p / 28 / 3 == labels[i] ? 0.8f : 0.1f) + 0.1f * random.NextSingle();
        }
        return new Dataset(features, [1, 28, 28], labels, 10);
    }
}
