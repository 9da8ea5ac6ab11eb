// Fisher's iris flowers: three species told apart from four measurements.
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.Iris;
using GraphGen.Training;

var options = ExampleOptions.Parse("Iris", args, defaultEpochs: 100);
ulong seed = (ulong)options.Seed;

var split = DatasetSplit.StratifiedSplit(Datasets.Iris(), 0.6, 0.2, seed);
var scaler = Standardizer.Fit(split.Train);
var (train, validation, test) = (scaler.Transform(split.Train), scaler.Transform(split.Validation), scaler.Transform(split.Test));
Console.WriteLine($"iris: {train.Count} train, {validation.Count} validation, {test.Count} test");

var network = new IrisNet(batchCapacity: 64, seed: options.Seed);
var optimizer = new Adam(learningRate: options.Float("lr", 0.01f));
var trainer = new Trainer<int>(network, optimizer, train, options.Int("batch", 16), seed);
for (int epoch = 0; epoch < options.Epochs; epoch++)
{
    var stats = trainer.RunEpoch(epoch, validation);
    if (epoch % 10 == 0 || epoch == options.Epochs - 1) Console.WriteLine(stats);
}
Console.WriteLine($"test accuracy: {Trainer<int>.Evaluate(network, test).Accuracy:F4}");
