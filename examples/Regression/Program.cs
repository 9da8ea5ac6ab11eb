// Regression with mean squared error: diabetes progression (Efron et al., 2004).
// Targets are standardized for training; the reported error is in the original units.
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.Regression;
using GraphGen.Training;

var options = ExampleOptions.Parse("Regression", args, defaultEpochs: 150);
ulong seed = (ulong)options.Seed;

var split = DatasetSplit.Split(Datasets.Diabetes(), 0.7, 0.15, seed);
var features = Standardizer.Fit(split.Train);
float mean = (float)split.Train.Targets.Average();
float std = (float)Math.Sqrt(split.Train.Targets.Select(t => (t - mean) * (t - mean)).Average());
Dataset Prepare(Dataset d)
{
    var scaled = features.Transform(d);
    return new Dataset(scaled.Features, scaled.FeatureShape.ToArray(), scaled.Targets.Select(t => (t - mean) / std).ToArray(), 1);
}
var (train, validation, test) = (Prepare(split.Train), Prepare(split.Validation), Prepare(split.Test));
Console.WriteLine($"diabetes: {train.Count} train, {validation.Count} validation, {test.Count} test; target mean {mean:F1}, std {std:F1}");

var network = new DiabetesNet(batchCapacity: 64, seed: options.Seed);
var optimizer = new AdamW(learningRate: options.Float("lr", 3e-3f), weightDecay: 1e-2f);
var trainer = new Trainer<float>(network, optimizer, train, options.Int("batch", 32), seed);
for (int epoch = 0; epoch < options.Epochs; epoch++)
{
    var stats = trainer.RunEpoch(epoch, validation);
    if (epoch % 15 == 0 || epoch == options.Epochs - 1) Console.WriteLine(stats);
}

// MSE in standardized units × std² = MSE in the original units. Predicting the mean gives about std².
var evaluation = Trainer<float>.Evaluate(network, test);
Console.WriteLine($"baseline (predict the training mean) mse: {std * std:F1}");
Console.WriteLine($"test mse: {evaluation.Loss * std * std:F1}");
