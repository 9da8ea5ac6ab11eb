// Trains DigitsNetwork (DigitsNetwork.cs) on the UCI handwritten digits, 1797 images of 8×8
// pixels that ship inside the GraphGen package, and prints its accuracy on a held-out test set.
// The same seed gives the same numbers, bit for bit, on every run and machine.
using System.Globalization;
using GraphGen;
using GraphGen.Data;
using GraphGen.Training;
using GraphGenApp;

const ulong Seed = 0;
const int Epochs = 40, BatchSize = 32;

// Pixels are 0..16: scale them to [0, 1]. Split 70/15/15, keeping the ten classes' proportions.
var digits = Datasets.Digits().ScaleFeatures(1f / 16);
var split = DatasetSplit.StratifiedSplit(digits, trainFraction: 0.7, validationFraction: 0.15, Seed);

var network = new DigitsNetwork(batchCapacity: 256, seed: (int)Seed);
var optimizer = new AdamW(3e-3f, weightDecay: 1e-4f);
Console.WriteLine(network.Summary);

var trainer = new Trainer<int>(network, optimizer, split.Train, BatchSize, Seed);
for (int epoch = 0; epoch < Epochs; epoch++)
    Console.WriteLine(trainer.RunEpoch(epoch, split.Validation));

var test = Trainer<int>.Evaluate(network, split.Test);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy: {test.Accuracy:F4}"));
