using GraphGen.Data;
using GraphGen.Examples.Digits;
using GraphGen.Training;

namespace GraphGen.Network.Tests;

/// <summary>
/// A compiled network driven to divergence by an absurd learning rate (the weights overflow
/// float within a few steps): the trainer stops at the first non-finite loss, and the last
/// good checkpoint survives an attempt to save the diverged weights over it.
/// </summary>
public class DivergenceTests
{
    [Fact]
    public void ADivergingDigitsRunStopsAndCannotOverwriteTheLastGoodCheckpoint()
    {
        var data = Datasets.Digits().Slice(0, 512);
        var network = new DigitsMlp(batchCapacity: 32, seed: 3);
        var trainer = new Trainer<int>(network, new Sgd(1e20f), data, batchSize: 32, seed: 3);
        string path = Path.Combine(Path.GetTempPath(), $"graphgen-divergence-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(path, network);
            byte[] good = File.ReadAllBytes(path);

            var error = Assert.Throws<TrainingDivergedException>(() => trainer.Train(20));

            Assert.Equal("DigitsMlp", error.NetworkName);
            Assert.False(float.IsFinite(error.Loss));
            Assert.Equal(error.Epoch, trainer.History.Epochs.Count);
            Assert.Equal(error.Epoch * 16 + error.Batch + 1, trainer.Optimizer.StepCount);
            Assert.Contains($"at epoch {error.Epoch + 1}, batch {error.Batch + 1} of 16", error.Message);
            // The step that gave the NaN loss has also made parameters NaN: saving them is refused.
            Assert.Contains(network.Parameters.ToArray(), p => !float.IsFinite(p));
            Assert.Throws<NonFiniteValueException>(() => Checkpoint.Save(path, network));
            Assert.Equal(good, File.ReadAllBytes(path));
            Checkpoint.Load(path, network);
            Assert.All(network.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
