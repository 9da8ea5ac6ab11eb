// One neuron (logistic regression) on the Wisconsin breast-cancer measurements:
// p(benign) = σ(w·x + b), trained by gradient descent on the log loss.
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.Neuron;
using GraphGen.Training;

var options = ExampleOptions.Parse("Neuron", args, defaultEpochs: 60);
ulong seed = (ulong)options.Seed;

var data = Datasets.BreastCancer();   // 569 tumours, 30 measurements each, 0 = malignant, 1 = benign
var split = DatasetSplit.StratifiedSplit(data, 0.7, 0.15, seed);
var scaler = Standardizer.Fit(split.Train);   // measurements span 0.001 to 4000: centre and scale them
var train = ExampleData.LabelsAsTargets(scaler.Transform(split.Train));
var validation = ExampleData.LabelsAsTargets(scaler.Transform(split.Validation));
var test = ExampleData.LabelsAsTargets(scaler.Transform(split.Test));
Console.WriteLine($"breast cancer: {train.Count} train, {validation.Count} validation, {test.Count} test");

var neuron = new Neuron(batchCapacity: 64, seed: options.Seed);
var optimizer = new Sgd(learningRate: options.Float("lr", 0.1f), momentum: 0.9f);
var trainer = new Trainer<float>(neuron, optimizer, train, options.Int("batch", 32), seed);
for (int epoch = 0; epoch < options.Epochs; epoch++)
{
    var stats = trainer.RunEpoch(epoch, validation);
    if (epoch % 10 == 0 || epoch == options.Epochs - 1)
        Console.WriteLine($"{stats}  validation accuracy {ExampleData.BinaryAccuracy(neuron, validation):F4}");
}

// The learned weights say which measurements push towards "benign" (positive) or "malignant" (negative).
var weights = neuron.ParameterTable.Slice(neuron.Parameters, "neuron.weight").ToArray();
var names = new[] { "radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity", "concave points", "symmetry", "fractal dim." };
var strongest = Enumerable.Range(0, 30).OrderByDescending(i => Math.Abs(weights[i])).Take(5);
Console.WriteLine("strongest weights: " + string.Join(", ", strongest.Select(i => $"{(i < 10 ? "mean" : i < 20 ? "se" : "worst")} {names[i % 10]} {weights[i]:+0.00;-0.00}")));
Console.WriteLine($"test log loss: {Trainer<float>.Evaluate(neuron, test).Loss:F4}");
Console.WriteLine($"test accuracy: {ExampleData.BinaryAccuracy(neuron, test):F4}");
