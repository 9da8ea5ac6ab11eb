using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

public class AugmentationTests
{
    private static readonly ImageLayout Digit = new(1, 8, 8);

    private static AugmentationPipeline Everything() => new(Digit,
        new RandomShift(1), new RandomRotation(15), new RandomCrop(0.75f), new GaussianNoise(0.3f) { VaryLevel = true, Min = 0, Max = 1 });

    private static float[] Image(int seed)
    {
        var random = new SeededRandom((ulong)seed);
        var image = new float[64];
        for (int i = 0; i < 64; i++) image[i] = random.NextSingle();
        return image;
    }

    private static float[] Augmented(AugmentationPipeline pipeline, float[] image, ulong seed, long epoch, int index)
    {
        var copy = (float[])image.Clone();
        pipeline.Apply(copy, seed, epoch, index);
        return copy;
    }

    [Fact]
    public void SameSeedEpochAndSampleGiveTheSameBits()
    {
        var image = Image(1);
        var a = Augmented(Everything(), image, seed: 7, epoch: 3, index: 11);
        var b = Augmented(Everything(), image, seed: 7, epoch: 3, index: 11);
        Assert.Equal(a.Select(BitConverter.SingleToInt32Bits), b.Select(BitConverter.SingleToInt32Bits));
        Assert.NotEqual(image, a);
    }

    [Fact]
    public void AnotherSeedEpochOrSampleGivesAnotherVariant()
    {
        var image = Image(2);
        var pipeline = Everything();
        var reference = Augmented(pipeline, image, 7, 3, 11);
        Assert.NotEqual(reference, Augmented(pipeline, image, 8, 3, 11));
        Assert.NotEqual(reference, Augmented(pipeline, image, 7, 4, 11));
        Assert.NotEqual(reference, Augmented(pipeline, image, 7, 3, 12));
    }

    [Fact]
    public void BatchRowsAreAugmentedAsTheirSamplesWhateverTheirPosition()
    {
        var pipeline = Everything();
        var first = Image(3);
        var second = Image(4);
        float[] batch = [.. second, .. first];
        pipeline.ApplyToBatch(batch, [9, 4], seed: 5, epoch: 2);
        Assert.Equal(Augmented(pipeline, second, 5, 2, 9), batch[..64]);
        Assert.Equal(Augmented(pipeline, first, 5, 2, 4), batch[64..]);
    }

    [Fact]
    public void NoiseHasTheRequestedSpreadAndRespectsTheLimits()
    {
        var layout = new ImageLayout(1, 100, 100);
        var image = new float[layout.Size];
        Array.Fill(image, 0.5f);
        new AugmentationPipeline(layout, new GaussianNoise(0.1f)).Apply(image, seed: 1, epoch: 0, sampleIndex: 0);
        double mean = image.Average(v => (double)v);
        double std = Math.Sqrt(image.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(0.5, mean, 0.005);
        Assert.Equal(0.1, std, 0.005);

        var clamped = new float[layout.Size];
        new AugmentationPipeline(layout, new GaussianNoise(2f) { Min = 0, Max = 1 }).Apply(clamped, 1, 0, 0);
        Assert.All(clamped, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(clamped, v => v == 0f);
        Assert.Contains(clamped, v => v == 1f);
    }

    [Fact]
    public void StandardNormalHasMeanZeroAndVarianceOne()
    {
        var random = new SeededRandom(42);
        var values = Enumerable.Range(0, 100_000).Select(_ => (double)GaussianNoise.StandardNormal(random)).ToArray();
        double mean = values.Average();
        Assert.Equal(0, mean, 0.02);
        Assert.Equal(1, values.Average(v => (v - mean) * (v - mean)), 0.02);
        Assert.All(values, v => Assert.InRange(v, -6, 6));
    }

    [Fact]
    public void ShiftDrawsEveryOffsetUpToTheLargestAndNoFurther()
    {
        // A single lit pixel in the middle of a 5×5 image lands within one pixel of the centre.
        var layout = new ImageLayout(1, 5, 5);
        var pipeline = new AugmentationPipeline(layout, new RandomShift(1));
        var seen = new HashSet<int>();
        for (int i = 0; i < 200; i++)
        {
            var image = new float[25];
            image[12] = 1;
            pipeline.Apply(image, seed: 0, epoch: 0, sampleIndex: i);
            int lit = Array.IndexOf(image, 1f);
            Assert.Equal(1, image.Count(v => v != 0));
            Assert.InRange(Math.Abs(lit % 5 - 2), 0, 1);
            Assert.InRange(Math.Abs(lit / 5 - 2), 0, 1);
            seen.Add(lit);
        }
        Assert.Equal(9, seen.Count);
    }

    [Fact]
    public void RotationAndCropKeepTheImageInItsRange()
    {
        var pipeline = new AugmentationPipeline(Digit, new RandomRotation(20), new RandomCrop(0.6f));
        for (int i = 0; i < 50; i++)
        {
            var image = Augmented(pipeline, Image(i), 3, 0, i);
            Assert.All(image, v => Assert.InRange(v, 0f, 1f));
        }
    }

    [Fact]
    public void AugmentCopiesTheDatasetAndKeepsLabels()
    {
        var data = new Dataset([.. Image(5), .. Image(6)], [64], [3, 7], 10);
        var before = (float[])data.Features.Clone();
        var noisy = new AugmentationPipeline(Digit, new GaussianNoise(0.2f)).Augment(data, seed: 9);
        Assert.Equal(before, data.Features);
        Assert.NotEqual(before, noisy.Features);
        Assert.Equal(data.Labels, noisy.Labels);
        Assert.Equal(noisy.Features, new AugmentationPipeline(Digit, new GaussianNoise(0.2f)).Augment(data, seed: 9).Features);
    }

    [Fact]
    public void BatchIteratorAugmentsItsCopiesReproduciblyAndLeavesTheDatasetAlone()
    {
        var features = Enumerable.Range(0, 10).SelectMany(Image).ToArray();
        var data = new Dataset(features, [64], Enumerable.Range(0, 10).ToArray(), 10);
        var before = (float[])features.Clone();
        List<float> Epoch(int epoch)
        {
            var iterator = new BatchIterator(data, batchSize: 4, seed: 1) { Augmentation = Everything() };
            var values = new List<float>();
            foreach (var batch in iterator.Epoch(epoch))
            {
                values.AddRange(batch.Features.ToArray());
                // Each row is its sample, augmented with the stream of its index.
                for (int i = 0; i < batch.Size; i++)
                {
                    int sample = batch.Indices[i];
                    Assert.Equal(Augmented(Everything(), Image(sample), 1, epoch, sample), batch.Features.Slice(i * 64, 64).ToArray());
                    Assert.Equal(sample, batch.Labels[i]);
                }
            }
            return values;
        }
        Assert.Equal(Epoch(2), Epoch(2));
        Assert.NotEqual(Epoch(2), Epoch(3));
        Assert.Equal(before, data.Features);
    }

    [Fact]
    public void MismatchedSizesAndBadSettingsAreRejected()
    {
        var data = new Dataset(new float[2 * 64], [64], [0, 1], 2);
        Assert.Throws<ArgumentException>(() => new BatchIterator(data, 2, 0) { Augmentation = new AugmentationPipeline(new ImageLayout(1, 4, 4), new RandomShift(1)) });
        Assert.Throws<ArgumentException>(() => Everything().Apply(new float[63], 0, 0, 0));
        Assert.Throws<ArgumentException>(() => new AugmentationPipeline(Digit));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianNoise(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomRotation(270));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomCrop(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShift(-1));
    }
}
