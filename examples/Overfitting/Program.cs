// Overfitting on purpose, then the fix. A wide MLP trained on only 200 digits, a fifth of them
// mislabelled (--label-noise 0.2; real datasets have some too), memorises them, wrong labels
// included: its training loss keeps falling towards zero while its validation loss, after a
// few epochs, turns and rises. The curves show it. The fix, weight decay with early stopping
// on the validation loss, keeps the model of the best validation epoch.
using GraphGen.Examples;
using GraphGen.Examples.Overfitting;
using GraphGen.Inspection;

var options = ExampleOptions.Parse("Overfitting", args, defaultEpochs: 150, "train-size", "weight-decay", "patience", "label-noise");
int batch = options.Int("batch", 32);
float learningRate = options.Float("lr", 1e-3f);
var data = OverfittingExperiment.SmallDigits(options.Int("train-size", 200), options.Seed, options.Float("label-noise", 0.2f));
string artifacts = options.ArtifactsDirectory();
Console.WriteLine($"UCI digits: {data.Train.Count} train (a small set, {options.Float("label-noise", 0.2f) * 100:F0}% of its labels wrong, on purpose), {data.Validation.Count} validation, {data.Test.Count} test (clean)");
Console.WriteLine($"{WideMlp.Layout.ParameterCount:N0} parameters, {WideMlp.Layout.ParameterCount / data.Train.Count:N0} per training image; Adam, lr {learningRate}, batch {batch}, up to {options.Epochs} epochs");
var progress = TrainingProgress.ForConsole();

var overfit = OverfittingExperiment.Overfit(data, options.Epochs, options.Seed, learningRate, batch, progress);
var best = overfit.History.Epochs.MinBy(e => e.Validation!.Value.Loss)!;
var last = overfit.History.Epochs[^1];
Console.WriteLine($"without regularisation: validation loss lowest at epoch {best.Epoch + 1} ({best.Validation!.Value.Loss:F4}), {last.Validation!.Value.Loss:F4} at the last epoch, while the training loss fell from {best.Train.Loss:F4} to {last.Train.Loss:F6}");

var fixedRun = OverfittingExperiment.Regularised(data, options.Epochs, options.Seed, learningRate, batch,
    options.Float("weight-decay", 0.1f), options.Int("patience", 15), progress);
Console.WriteLine($"with the fix: stopped after epoch {fixedRun.History.Epochs.Count}, kept epoch {fixedRun.BestEpoch + 1} (validation loss {fixedRun.History.Epochs[fixedRun.BestEpoch].Validation!.Value.Loss:F4})");

var files = new List<string>();
foreach (var (run, name) in new[] { (overfit, "overfit"), (fixedRun, "regularised") })
{
    var saved = TrainingCurves.Save(run.History, artifacts, name, run.Label);
    files.AddRange([saved.CsvPath, saved.LossPlotPath, saved.AccuracyPlotPath!]);
}
string both = Path.Combine(artifacts, "loss-both.svg");
TrainingCurves.Compare("Overfitting and its fix: loss per epoch", "loss", [("overfit", overfit.History), ("fixed", fixedRun.History)], accuracy: false).Save(both);
files.Add(both);
Console.WriteLine("wrote:");
foreach (string file in files) Console.WriteLine("  " + file);

Console.WriteLine($"test loss: {overfit.Test.Loss:F4} without regularisation, {fixedRun.Test.Loss:F4} with weight decay and early stopping");
Console.WriteLine($"test accuracy: {overfit.Test.Accuracy:F4} without regularisation, {fixedRun.Test.Accuracy:F4} with weight decay and early stopping");
