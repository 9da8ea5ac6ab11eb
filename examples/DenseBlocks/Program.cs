// Skip connections, measured: three networks with the same stem, eight sigmoid layers of 16 units
// and classifier, trained alike with plain SGD on the digits. PlainMlp feeds each layer the one
// before it; ResidualMlp adds each layer's output to its input (h + σ(Dense(h))); DenseBlockMlp
// feeds each layer the concatenation of all earlier outputs. A GradientMonitor records every
// layer's gradient norm; the bars show where the gradient stops reaching.
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.DenseBlocks;
using GraphGen.Inspection;

var options = ExampleOptions.Parse("DenseBlocks", args, defaultEpochs: 20);
int batch = options.Int("batch", 32);
float learningRate = options.Float("lr", 0.1f);
string artifacts = options.ArtifactsDirectory();
var data = DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), 0.7, 0.15, (ulong)options.Seed);
Console.WriteLine($"UCI digits: {data.Train.Count} train, {data.Validation.Count} validation, {data.Test.Count} test; plain SGD, lr {learningRate}, batch {batch}, {options.Epochs} epochs");
var progress = TrainingProgress.ForConsole();

var runs = new List<SkipExperiment.Run>();
foreach (var (label, network) in SkipExperiment.Networks(options.Seed))
{
    Console.WriteLine($"{label}: {network.Name}, {network.ParameterTable.TotalCount:N0} parameters");
    var run = SkipExperiment.Train(label, network, data, options.Epochs, options.Seed, learningRate, batch, progress);
    runs.Add(run);
    Console.WriteLine($"{label} ({network.Name}), test {run.Test}:");
    Console.WriteLine(run.Report);
    Console.WriteLine();
    run.Report.SaveCsv(Path.Combine(artifacts, $"{label.Replace(' ', '-')}-layers.csv"));
}

string bars = Path.Combine(artifacts, "gradient-norm-per-layer.svg");
SkipExperiment.GradientNormPerLayer(runs).Save(bars);
string accuracy = Path.Combine(artifacts, "validation-accuracy.svg");
SkipExperiment.AccuracyByEpoch(runs).Save(accuracy);
Console.WriteLine($"wrote:\n  {bars}\n  {accuracy}");
double Ratio(SkipExperiment.Run run) => run.Report["output"].MedianGradientNorm / run.Report["stem"].MedianGradientNorm;
Console.WriteLine($"output/stem gradient ratio: plain {Ratio(runs[0]):0.0E+0}, residual {Ratio(runs[1]):0.0E+0}, dense block {Ratio(runs[2]):0.0E+0}");
Console.WriteLine($"test accuracy: plain {runs[0].Test.Accuracy:F4}, residual {runs[1].Test.Accuracy:F4}, dense block {runs[2].Test.Accuracy:F4}");
