// Trains a small MLP on the UCI handwritten digits (8×8 images, shipped in examples/data) and
// reports its accuracy on a held-out test set. The network is declared in DigitsMlp.cs; the
// code GraphGen generates for it is in Generated/ next to this file.
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.Digits;
using GraphGen.Training;

var options = ExampleOptions.Parse("Digits", args, defaultEpochs: 40);
ulong seed = (ulong)options.Seed;

// 1797 images with pixel values 0..16; scale to [0, 1] and split 70/15/15, keeping class proportions.
var digits = Datasets.Digits().ScaleFeatures(1f / 16);
var split = DatasetSplit.StratifiedSplit(digits, trainFraction: 0.7, validationFraction: 0.15, seed);
Console.WriteLine($"UCI digits: {split.Train.Count} train, {split.Validation.Count} validation, {split.Test.Count} test samples");

int batchSize = options.Int("batch", 32);
var network = new DigitsMlp(batchCapacity: Math.Max(batchSize, 256), seed: options.Seed);
var optimizer = new AdamW(learningRate: options.Float("lr", 3e-3f), weightDecay: 1e-4f);
Console.WriteLine(DigitsMlp.Summary);
Console.WriteLine($"optimizer: {optimizer}, batch {batchSize}, {options.Epochs} epochs, seed {options.Seed}");

var trainer = new Trainer<int>(network, optimizer, split.Train, batchSize, seed);
for (int epoch = 0; epoch < options.Epochs; epoch++)
    Console.WriteLine(trainer.RunEpoch(epoch, split.Validation));

string checkpoint = Path.Combine(options.ArtifactsDirectory(), "digits-mlp.safetensors");
Checkpoint.Save(checkpoint, network, optimizer);
Console.WriteLine($"checkpoint: {checkpoint}");

var test = Trainer<int>.Evaluate(network, split.Test);
Console.WriteLine($"test loss: {test.Loss:F4}");
Console.WriteLine($"test accuracy: {test.Accuracy:F4}");
