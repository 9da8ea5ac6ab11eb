using GraphGen.Examples.Digits;

namespace GraphGen.Network.Tests;

/// <summary>The main example trains to its target, reproducibly, and its checkpoints round-trip.</summary>
public class EndToEndTests
{
    [Fact]
    public void DigitsReachesTargetAccuracyTwiceWithIdenticalLosses()
    {
        var first = DigitsExperiment.Run(epochs: 40, seed: 0, batchSize: 32, learningRate: 3e-3f, TextWriter.Null);
        var second = DigitsExperiment.Run(epochs: 40, seed: 0, batchSize: 32, learningRate: 3e-3f, TextWriter.Null);
        Assert.True(first.Test.Accuracy >= 0.95, $"test accuracy {first.Test.Accuracy:F4} is below 0.95");
        Assert.Equal(first.History.Epochs.Select(e => e.Train.Loss), second.History.Epochs.Select(e => e.Train.Loss));
        Assert.Equal(first.History.Epochs.Select(e => e.Validation!.Value.Loss), second.History.Epochs.Select(e => e.Validation!.Value.Loss));
        Assert.Equal(first.Network.Parameters.ToArray(), second.Network.Parameters.ToArray());
    }

    [Fact]
    public void CheckpointRoundTripResumesBitForBit()
    {
        var run = DigitsExperiment.Run(epochs: 2, seed: 5, batchSize: 32, learningRate: 3e-3f, TextWriter.Null);
        string path = Path.Combine(Path.GetTempPath(), $"graphgen-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(path, run.Network, run.Optimizer);
            var restored = new DigitsMlp(batchCapacity: 256, seed: 999);
            var optimizer = new AdamW(3e-3f, weightDecay: 1e-4f);
            Checkpoint.Load(path, restored, optimizer);
            Assert.Equal(run.Network.Parameters.ToArray(), restored.Parameters.ToArray());
            Assert.Equal(run.Optimizer.StepCount, optimizer.StepCount);

            // One more identical step on both gives identical parameters: the optimizer state came back too.
            var x = GradientChecks.RandomInputs(32 * 64, 1, 0, 1);
            var y = GradientChecks.RandomLabels(32, 10, 2);
            Assert.Equal(run.Network.TrainStep(x, y, run.Optimizer), restored.TrainStep(x, y, optimizer));
            Assert.Equal(run.Network.Parameters.ToArray(), restored.Parameters.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TruncatedCheckpointIsRejectedAndLeavesTheNetworkUnchanged()
    {
        var net = new DigitsMlp(8, 1);
        string path = Path.Combine(Path.GetTempPath(), $"graphgen-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(path, net);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
            var other = new DigitsMlp(8, 2);
            var before = other.Parameters.ToArray();
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, other));
            Assert.Contains(path, e.Message);
            Assert.Equal(before, other.Parameters.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CheckpointOfAnotherNetworkNamesTheMismatchedTensor()
    {
        string path = Path.Combine(Path.GetTempPath(), $"graphgen-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(path, new ActivationChain(2, 0));
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, new DigitsMlp(8, 2)));
            Assert.Contains("hidden.weight", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
