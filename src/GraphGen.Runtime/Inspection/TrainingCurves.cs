using GraphGen.Imaging;
using GraphGen.Training;

namespace GraphGen.Inspection;

/// <summary>The files <see cref="TrainingCurves.Save"/> wrote.</summary>
public sealed record TrainingCurveFiles(string CsvPath, string LossPlotPath, string? AccuracyPlotPath);

/// <summary>
/// Training curves from a <see cref="TrainingHistory"/>: train and validation loss (and
/// accuracy, for classifiers) per epoch, as CSV and as SVG line plots. Several runs can share
/// one plot (<see cref="Compare"/>) to show, say, an overfitting run next to its fix.
/// </summary>
public static class TrainingCurves
{
    /// <summary>Train and validation loss per epoch.</summary>
    public static LinePlot LossPlot(TrainingHistory history, string title) => Compare(title, "loss", [("", history)], accuracy: false);

    /// <summary>Train and validation accuracy per epoch, on [0, 1].</summary>
    public static LinePlot AccuracyPlot(TrainingHistory history, string title) => Compare(title, "accuracy", [("", history)], accuracy: true);

    /// <summary>
    /// One plot of several runs: for each, its train curve and (markers) its validation curve,
    /// named "&lt;run&gt; train" and "&lt;run&gt; validation".
    /// </summary>
    public static LinePlot Compare(string title, string yLabel, IEnumerable<(string Run, TrainingHistory History)> runs, bool accuracy)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var plot = new LinePlot { Title = title, XLabel = "epoch", YLabel = yLabel };
        if (accuracy) plot.YLimits = new ValueRange(0, 1);
        foreach (var (run, history) in runs)
        {
            ArgumentNullException.ThrowIfNull(history);
            if (history.Epochs.Count == 0)
                throw new ArgumentException($"The history of '{run}' has no epoch to plot.", nameof(runs));
            string prefix = run.Length == 0 ? "" : run + " ";
            double[] epochs = [.. history.Epochs.Select(e => (double)(e.Epoch + 1))];
            double[] train = [.. history.Epochs.Select(e => accuracy ? e.Train.Accuracy : e.Train.Loss)];
            plot.Add(prefix + "train", epochs, train);
            if (history.Epochs.Any(e => e.Validation is not null))
            {
                double[] validation = [.. history.Epochs.Select(e => e.Validation is { } v ? (accuracy ? v.Accuracy : v.Loss) : double.NaN)];
                plot.Add(prefix + "validation", epochs, validation, markers: epochs.Length <= 60);
            }
        }
        return plot;
    }

    /// <summary>
    /// Writes <paramref name="baseName"/>.csv, <paramref name="baseName"/>-loss.svg and, when the
    /// history has accuracies, <paramref name="baseName"/>-accuracy.svg into <paramref name="directory"/>.
    /// </summary>
    public static TrainingCurveFiles Save(TrainingHistory history, string directory, string baseName, string title)
    {
        ArgumentNullException.ThrowIfNull(history);
        string csv = Path.Combine(directory, baseName + ".csv");
        history.SaveCsv(csv);
        string loss = Path.Combine(directory, baseName + "-loss.svg");
        LossPlot(history, title + ": loss").Save(loss);
        string? accuracyPath = null;
        if (history.Epochs.Count > 0 && history.Epochs[0].Train.HasAccuracy)
        {
            accuracyPath = Path.Combine(directory, baseName + "-accuracy.svg");
            AccuracyPlot(history, title + ": accuracy").Save(accuracyPath);
        }
        return new TrainingCurveFiles(csv, loss, accuracyPath);
    }
}
