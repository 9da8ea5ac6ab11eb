using GraphGen.Data;
using GraphGen.Training;

namespace GraphGen.Runtime.Tests.Training;

/// <summary>
/// Cancellation is checked between steps: a cancelled run throws
/// <see cref="OperationCanceledException"/> and leaves the network and optimizer exactly as
/// after its last whole step, so it can be saved or trained on. Progress is reported once per
/// completed epoch.
/// </summary>
public class TrainerCancellationTests
{
    private static readonly Dataset Data = LinearRegression.Data(40, seed: 6);

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>The parameters after exactly <paramref name="steps"/> steps of the same run, done by hand.</summary>
    private static int[] ParametersAfter(int steps, ulong seed)
    {
        var network = new LinearRegression();
        var adam = new Adam(0.05f);
        var batches = new BatchIterator(Data, 8, seed);
        for (int epoch = 0; steps > 0; epoch++)
            foreach (Batch batch in batches.Epoch(epoch))
            {
                if (steps-- == 0) break;
                network.TrainStep(batch.Features, batch.Targets, adam);
            }
        return Bits(network.Parameters);
    }

    [Fact]
    public void AlreadyCancelledTakesNoStep()
    {
        var network = new LinearRegression();
        var adam = new Adam(0.05f);
        int[] before = Bits(network.Parameters);
        var trainer = new Trainer<float>(network, adam, Data, batchSize: 8, seed: 2);

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.RunEpoch(0, cancellationToken: new CancellationToken(canceled: true)));
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(3, cancellationToken: new CancellationToken(canceled: true)));

        Assert.Equal(0, network.TrainSteps);
        Assert.Equal(0, adam.StepCount);
        Assert.Equal(before, Bits(network.Parameters));
        Assert.Empty(trainer.History.Epochs);
    }

    [Fact]
    public void CancelledMidEpochStopsBetweenStepsWithEveryStepWhole()
    {
        using var cancel = new CancellationTokenSource();
        var network = new LinearRegression();
        var adam = new Adam(0.05f);
        var trainer = new Trainer<float>(network, adam, Data, batchSize: 8, seed: 2);
        trainer.RunEpoch(0);
        trainer.BatchCompleted = (batch, _, _) => { if (batch == 2) cancel.Cancel(); };

        var error = Assert.ThrowsAny<OperationCanceledException>(() => trainer.RunEpoch(1, cancellationToken: cancel.Token));

        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.Equal(5 + 3, network.TrainSteps);
        Assert.Equal(5 + 3, adam.StepCount);
        Assert.Equal(ParametersAfter(5 + 3, seed: 2), Bits(network.Parameters));
        Assert.Single(trainer.History.Epochs); // the cancelled epoch is not recorded
    }

    [Fact]
    public void CancellationIsAlsoCheckedWhileTheValidationSetIsEvaluated()
    {
        using var cancel = new CancellationTokenSource();
        var trainer = new Trainer<float>(new LinearRegression(), new Adam(0.05f), Data, batchSize: 8, seed: 2);
        trainer.BatchCompleted = (batch, perEpoch, _) => { if (batch == perEpoch - 1) cancel.Cancel(); };

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.RunEpoch(0, LinearRegression.Data(16, seed: 7), cancel.Token));
        Assert.Empty(trainer.History.Epochs);
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer<float>.Evaluate(new LinearRegression(), Data, cancel.Token));
    }

    [Fact]
    public void TrainReportsEachEpochAndCanBeCancelledFromTheReport()
    {
        using var cancel = new CancellationTokenSource();
        var network = new LinearRegression();
        var trainer = new Trainer<float>(network, new Adam(0.05f), Data, batchSize: 8, seed: 2);
        var reports = new List<EpochProgress>();
        var progress = new SynchronousProgress<EpochProgress>(p =>
        {
            reports.Add(p);
            if (p.EpochsCompleted == 2) cancel.Cancel();
        });

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(10, progress: progress, cancellationToken: cancel.Token));

        Assert.Equal([1, 2], reports.Select(r => r.EpochsCompleted));
        Assert.All(reports, r => Assert.Equal(10, r.EpochsPlanned));
        Assert.Equal([0, 1], reports.Select(r => r.Stats.Epoch));
        Assert.Equal(0.2, reports[1].Fraction, 12);
        Assert.Same(trainer.History.Epochs[1], reports[1].Stats);
        Assert.Equal(2, trainer.History.Epochs.Count);
        Assert.Equal(ParametersAfter(2 * 5, seed: 2), Bits(network.Parameters));
    }

    [Fact]
    public void TrainContinuesTheEpochNumberingAndEqualsTheEpochLoop()
    {
        var byLoop = new Trainer<float>(new LinearRegression(), new Adam(0.05f), Data, batchSize: 8, seed: 3);
        for (int epoch = 0; epoch < 4; epoch++) byLoop.RunEpoch(epoch);

        var network = new LinearRegression();
        var byTrain = new Trainer<float>(network, new Adam(0.05f), Data, batchSize: 8, seed: 3);
        byTrain.RunEpoch(0);
        var history = byTrain.Train(3);

        Assert.Same(byTrain.History, history);
        Assert.Equal([0, 1, 2, 3], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(byLoop.History.Epochs.Select(e => e.Train.Loss), history.Epochs.Select(e => e.Train.Loss));
        Assert.Throws<ArgumentOutOfRangeException>(() => byTrain.Train(-1));
    }
}
