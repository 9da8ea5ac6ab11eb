extern alias overfitting;

using overfitting::GraphGen.Examples;
using overfitting::GraphGen.Examples.Overfitting;
using GraphGen.Training;

namespace GraphGen.Inspection.Tests;

public class TrainingCurvesTests
{
    // The Overfitting example, shortened: 60 epochs are enough for the turn in the validation loss.
    private static readonly Lazy<(OverfittingExperiment.Run Overfit, OverfittingExperiment.Run Fixed, GraphGen.Data.DatasetSplits Data)> Runs = new(() =>
    {
        var data = OverfittingExperiment.SmallDigits(200, 0, labelNoise: 0.2);
        var quiet = TrainingProgress.Plain(TextWriter.Null);
        var overfit = OverfittingExperiment.Overfit(data, epochs: 60, seed: 0, learningRate: 1e-3f, batchSize: 32, quiet);
        var fixedRun = OverfittingExperiment.Regularised(data, epochs: 60, seed: 0, learningRate: 1e-3f, batchSize: 32, weightDecay: 0.1f, patience: 15, quiet);
        return (overfit, fixedRun, data);
    });

    [Fact]
    public void OverfittingShowsInTheCurves()
    {
        var history = Runs.Value.Overfit.History;
        var epochs = history.Epochs;
        var best = epochs.MinBy(e => e.Validation!.Value.Loss)!;
        // Training loss keeps falling to near zero, while validation loss turned and rose well above its minimum.
        Assert.True(epochs[^1].Train.Loss < 0.05, $"final training loss {epochs[^1].Train.Loss}");
        Assert.True(epochs[^1].Train.Loss < best.Train.Loss / 5);
        Assert.True(best.Epoch < epochs.Count - 20, $"validation loss lowest at epoch {best.Epoch + 1} of {epochs.Count}");
        Assert.True(epochs[^1].Validation!.Value.Loss > 1.3 * best.Validation!.Value.Loss,
            $"validation loss {epochs[^1].Validation!.Value.Loss} at the end against {best.Validation!.Value.Loss} at best");
    }

    [Fact]
    public void TheFixKeepsTheBestValidationEpochAndDoesBetterOnTheTestSet()
    {
        var (overfit, fixedRun, data) = Runs.Value;
        var epochs = fixedRun.History.Epochs;
        Assert.True(epochs.Count < 60, "early stopping ended the run");
        Assert.Equal(epochs.MinBy(e => e.Validation!.Value.Loss)!.Epoch, fixedRun.BestEpoch);
        Assert.Equal(epochs.Count - 1 - 15, fixedRun.BestEpoch);
        // The network holds the best epoch's parameters again: its validation loss is that epoch's.
        Assert.Equal(epochs[fixedRun.BestEpoch].Validation!.Value.Loss, Trainer<int>.Evaluate(fixedRun.Network, data.Validation).Loss, 1e-9);
        Assert.True(fixedRun.Test.Loss < overfit.Test.Loss, $"test loss {fixedRun.Test.Loss} with the fix, {overfit.Test.Loss} without");
        Assert.True(fixedRun.Test.Accuracy > overfit.Test.Accuracy, $"test accuracy {fixedRun.Test.Accuracy} with the fix, {overfit.Test.Accuracy} without");
    }

    [Fact]
    public void CurvesAreWrittenAsCsvAndWellFormedSvg()
    {
        var history = Runs.Value.Overfit.History;
        string dir = TestData.TemporaryDirectory();
        try
        {
            var files = TrainingCurves.Save(history, dir, "run", "Overfit");
            var csv = File.ReadAllLines(files.CsvPath);
            Assert.Equal("epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds", csv[0]);
            Assert.Equal(history.Epochs.Count + 1, csv.Length);
            var loss = TestData.AssertSvg(File.ReadAllText(files.LossPlotPath));
            var texts = loss.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
            Assert.Contains("train", texts);
            Assert.Contains("validation", texts);
            Assert.Contains("Overfit: loss", texts);
            TestData.AssertSvg(File.ReadAllText(files.AccuracyPlotPath!));

            var both = TrainingCurves.Compare("both", "loss", [("overfit", history), ("fixed", Runs.Value.Fixed.History)], accuracy: false);
            Assert.Equal(["overfit train", "overfit validation", "fixed train", "fixed validation"], both.Series.Select(s => s.Name));
            Assert.Equal(history.Epochs.Select(e => e.Train.Loss), both.Series[0].Y);
            TestData.AssertSvg(both.ToSvg());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void EarlyStoppingWaitsForPatienceAndRestoresTheBestParameters()
    {
        var stopping = new EarlyStopping(parameterCount: 2, patience: 2);
        static EpochStats Epoch(int epoch, double validationLoss) =>
            new(epoch, new Evaluation(1, 0.5, 10), new Evaluation(validationLoss, 0.5, 10), 0.1, 100);
        Assert.False(stopping.Update(Epoch(0, 1.0), [1f, 1f]));
        Assert.False(stopping.Update(Epoch(1, 0.5), [2f, 2f]));
        Assert.False(stopping.Update(Epoch(2, 0.6), [3f, 3f]));
        Assert.True(stopping.Update(Epoch(3, 0.7), [4f, 4f]));
        Assert.Equal(1, stopping.BestEpoch);
        Assert.Equal(0.5, stopping.BestLoss);
        var parameters = new float[2];
        stopping.RestoreBest(parameters);
        Assert.Equal([2f, 2f], parameters);
        Assert.Throws<ArgumentException>(() => stopping.Update(new EpochStats(4, new Evaluation(1, 0.5, 10), null, 0.1, 100), [1f, 1f]));
        Assert.Throws<InvalidOperationException>(() => new EarlyStopping(2, 1).RestoreBest(parameters));
    }

    [Fact]
    public void NoisyLabelsFlipTheRequestedFractionToOtherClasses()
    {
        var clean = OverfittingExperiment.SmallDigits(200, 0);
        var noisy = OverfittingExperiment.SmallDigits(200, 0, labelNoise: 0.2);
        Assert.Equal(clean.Train.Features, noisy.Train.Features);
        int changed = clean.Train.Labels.Zip(noisy.Train.Labels).Count(p => p.First != p.Second);
        Assert.Equal((int)Math.Round(0.2 * clean.Train.Count), changed);
        Assert.Equal(clean.Validation.Labels, noisy.Validation.Labels);
    }
}
