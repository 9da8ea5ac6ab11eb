// Vanishing and exploding gradients, measured: a 12-layer sigmoid MLP, the same depth with ReLU
// and residual connections, and a 12-layer ReLU MLP whose layers double the signal, each
// trained with plain SGD on the digits while a GradientMonitor records every layer's gradient
// norm and update-to-weight ratio at every step. The report flags vanishing and exploding
// layers; the plots show the gradient norm per layer of the networks side by side.
using GraphGen;
using GraphGen.Examples;
using GraphGen.Examples.GradientFlow;
using GraphGen.Inspection;

var options = ExampleOptions.Parse("GradientFlow", args, defaultEpochs: 10);
int batch = options.Int("batch", 32);
float learningRate = options.Float("lr", 0.05f);
string artifacts = options.ArtifactsDirectory();
var data = GradientFlowExperiment.Digits(options.Seed);
Console.WriteLine($"UCI digits: {data.Train.Count} train, {data.Validation.Count} validation, {data.Test.Count} test; plain SGD, lr {learningRate}, batch {batch}, {options.Epochs} epochs");
var progress = TrainingProgress.ForConsole();

var networks = new (string Label, ITrainableNetwork<int> Network)[]
{
    ("sigmoid", new DeepSigmoidMlp(batchCapacity: 256, seed: options.Seed)),
    ("residual", new ResidualReluMlp(batchCapacity: 256, seed: options.Seed)),
    ("doubling", new ScaledReluMlp(batchCapacity: 256, seed: options.Seed)),
};
var runs = new List<GradientFlowExperiment.Run>();
foreach (var (label, network) in networks)
{
    var run = GradientFlowExperiment.Train(label, network, data, options.Epochs, options.Seed, learningRate, batch, progress);
    runs.Add(run);
    Console.WriteLine();
    Console.WriteLine($"{label} ({network.Name}), test {run.Test}:");
    Console.WriteLine(run.Report);
    Console.WriteLine();
    run.Monitor.SaveCsv(Path.Combine(artifacts, $"{label}-steps.csv"));
    run.Report.SaveCsv(Path.Combine(artifacts, $"{label}-layers.csv"));
    TrainingCurves.Save(run.History, artifacts, $"{label}-curves", $"{network.Name} on the digits");
}

var pair = runs.Take(2).ToList();
var files = new List<string>
{
    Save(GradientPlots.GradientNormPerLayer(pair), "gradient-norm-per-layer.svg"),
    Save(GradientPlots.GradientNormPerLayer(runs), "gradient-norm-per-layer-all.svg"),
    Save(GradientPlots.UpdateRatioPerLayer(pair), "update-ratio-per-layer.svg"),
    Save(GradientPlots.FirstAndLastLayerBySteps(pair), "gradient-norm-by-step.svg"),
};
foreach (var run in runs)
    files.AddRange(new[] { "steps.csv", "layers.csv", "curves.csv", "curves-loss.svg", "curves-accuracy.svg" }.Select(f => Path.Combine(artifacts, $"{run.Label}-{f}")));
Console.WriteLine("wrote:");
foreach (string file in files) Console.WriteLine("  " + file);

string Save(GraphGen.Imaging.Plot plot, string name)
{
    string path = Path.Combine(artifacts, name);
    plot.Save(path);
    return path;
}

Console.WriteLine($"test accuracy: sigmoid {runs[0].Test.Accuracy:F4}, residual {runs[1].Test.Accuracy:F4}, doubling {runs[2].Test.Accuracy:F4}");
Console.WriteLine($"vanishing layers: sigmoid {runs[0].Report.Vanishing.Count()}/{runs[0].Report.Layers.Count}, residual {runs[1].Report.Vanishing.Count()}/{runs[1].Report.Layers.Count}");
