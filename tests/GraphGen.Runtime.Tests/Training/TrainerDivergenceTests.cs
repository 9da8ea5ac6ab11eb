using GraphGen.Data;
using GraphGen.Training;

namespace GraphGen.Runtime.Tests.Training;

/// <summary>
/// A run whose loss becomes NaN or infinite stops at that step with a
/// <see cref="TrainingDivergedException"/> naming the network, epoch and batch, instead of
/// training on NaN to the end (and saving NaN weights).
/// </summary>
public class TrainerDivergenceTests
{
    private static readonly Dataset Data = LinearRegression.Data(64, seed: 5);

    /// <summary>The (epoch, batch) of the first non-finite loss, found by replaying the same run by hand.</summary>
    private static (int Epoch, int Batch, float Loss) FirstNonFiniteLoss(float learningRate, int batchSize, ulong seed, int epochs)
    {
        var network = new LinearRegression();
        var sgd = new Sgd(learningRate);
        var batches = new BatchIterator(Data, batchSize, seed);
        for (int epoch = 0; epoch < epochs; epoch++)
            foreach (Batch batch in batches.Epoch(epoch))
            {
                float loss = network.TrainStep(batch.Features, batch.Targets, sgd);
                if (!float.IsFinite(loss)) return (epoch, batch.Number, loss);
            }
        throw new InvalidOperationException("the replay did not diverge");
    }

    [Fact]
    public void ADivergingRunStopsAtItsFirstNonFiniteLoss()
    {
        var (epoch, batch, loss) = FirstNonFiniteLoss(learningRate: 3f, batchSize: 8, seed: 1, epochs: 50);
        var network = new LinearRegression();
        var trainer = new Trainer<float>(network, new Sgd(3f), Data, batchSize: 8, seed: 1);

        var error = Assert.Throws<TrainingDivergedException>(() =>
        {
            for (int e = 0; e < 50; e++) trainer.RunEpoch(e);
        });

        Assert.Equal("LinearRegression", error.NetworkName);
        Assert.Equal(epoch, error.Epoch);
        Assert.Equal(batch, error.Batch);
        Assert.Equal(8, error.BatchesPerEpoch);
        Assert.Equal(epoch * 8 + batch + 1, error.OptimizerStep);
        Assert.Equal(BitConverter.SingleToInt32Bits(loss), BitConverter.SingleToInt32Bits(error.Loss));
        Assert.Equal(epoch * 8 + batch + 1, network.TrainSteps); // not one step further
        Assert.Equal(epoch, trainer.History.Epochs.Count);         // the completed epochs only
        Assert.Contains($"LinearRegression: the training loss is {loss} at epoch {epoch + 1}, batch {batch + 1} of 8 (optimizer step {epoch * 8 + batch + 1})", error.Message);
        Assert.Contains("lower the learning rate", error.Message);
        Assert.IsAssignableFrom<ArithmeticException>(error);
    }

    [Fact]
    public void TrainStopsTooAndReportsOnlyTheCompletedEpochs()
    {
        var (epoch, _, _) = FirstNonFiniteLoss(learningRate: 3f, batchSize: 8, seed: 1, epochs: 50);
        var reports = new List<EpochProgress>();
        var trainer = new Trainer<float>(new LinearRegression(), new Sgd(3f), Data, batchSize: 8, seed: 1);

        Assert.Throws<TrainingDivergedException>(() => trainer.Train(50, progress: new SynchronousProgress<EpochProgress>(reports.Add)));

        Assert.Equal(epoch, reports.Count);
        Assert.Equal(epoch, trainer.History.Epochs.Count);
    }

    [Fact]
    public void AStudyOfDivergenceCanTrainThroughIt()
    {
        // The GradientFlow example records what an exploding network does, NaN steps and all.
        var (epoch, _, _) = FirstNonFiniteLoss(learningRate: 3f, batchSize: 8, seed: 1, epochs: 50);
        var network = new LinearRegression();
        var losses = new List<float>();
        var trainer = new Trainer<float>(network, new Sgd(3f), Data, batchSize: 8, seed: 1) { StopOnDivergence = false };
        trainer.BatchCompleted = (_, _, loss) => losses.Add(loss);

        trainer.Train(epoch + 2);

        Assert.Equal((epoch + 2) * 8, network.TrainSteps);
        Assert.False(float.IsFinite(losses[^1]));
    }

    [Fact]
    public void AHealthyRunIsNotDisturbed()
    {
        var trainer = new Trainer<float>(new LinearRegression(), new Sgd(0.02f), Data, batchSize: 8, seed: 1);
        var history = trainer.Train(30);
        Assert.Equal(30, history.Epochs.Count);
        Assert.True(history.Epochs[^1].Train.Loss < 1e-3, $"final loss {history.Epochs[^1].Train.Loss}");
    }
}

/// <summary>An <see cref="IProgress{T}"/> that runs its handler on the reporting thread, at once (unlike Progress&lt;T&gt;, which posts).</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
