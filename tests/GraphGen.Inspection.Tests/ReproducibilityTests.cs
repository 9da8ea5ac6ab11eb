extern alias reproducibility;

using reproducibility::GraphGen.Examples.Reproducibility;

namespace GraphGen.Inspection.Tests;

public class ReproducibilityTests
{
    [Fact]
    public void SameSeedGivesBitwiseTheSameRunOnOneOrTwoThreadsAndAnotherSeedDoesNot()
    {
        var first = TrainingRun.Train(seed: 3, threads: 2, epochs: 1);
        var again = TrainingRun.Train(seed: 3, threads: 2, epochs: 1);
        var oneThread = TrainingRun.Train(seed: 3, threads: 1, epochs: 1);
        var other = TrainingRun.Train(seed: 4, threads: 2, epochs: 1);
        Assert.Equal(first.BatchLosses.Select(BitConverter.SingleToInt32Bits), again.BatchLosses.Select(BitConverter.SingleToInt32Bits));
        Assert.True(first.BitwiseEquals(again));
        Assert.True(first.BitwiseEquals(oneThread));
        Assert.Equal(first.ParameterHash, oneThread.ParameterHash);
        Assert.False(first.BitwiseEquals(other));
        Assert.NotEqual(first.ParameterHash, other.ParameterHash);
        Assert.NotEqual(first.BatchLosses[0], other.BatchLosses[0]);
    }

    [Fact]
    public void FloatSumsDependOnTheirOrder()
    {
        var values = ReductionOrder.Values(100_000, 0);
        float sequential = ReductionOrder.Sequential(values);
        var chunked = new[] { 2, 4, 8 }.Select(parts => ReductionOrder.Chunked(values, parts)).ToArray();
        Assert.Equal(sequential, ReductionOrder.Chunked(values, 1));
        Assert.True(chunked.Append(sequential).Distinct().Count() >= 3, $"sums: {string.Join(", ", chunked.Append(sequential))}");
        // Each order is deterministic: the same split gives the same float again.
        Assert.Equal(chunked[1], ReductionOrder.Chunked(values, 4));
        Assert.Contains(chunked[1], ReductionOrder.EveryCompletionOrder(values, 4));
    }

    [Fact]
    public void FingerprintsChangeWithTheLastBitOfOneValue()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ParameterFingerprint.Of([]));
        var values = TestData.Uniform(1000, 2);
        string hash = ParameterFingerprint.Of(values);
        Assert.Equal(hash, ParameterFingerprint.Of(values.ToArray()));
        values[500] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(values[500]) ^ 1);
        Assert.NotEqual(hash, ParameterFingerprint.Of(values));
        // Little-endian IEEE bits: 1.0f is 00 00 80 3f.
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(new byte[] { 0, 0, 0x80, 0x3f })), ParameterFingerprint.Of([1f]));
    }
}
