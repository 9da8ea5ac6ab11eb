// An MLP on the full MNIST set (60,000 training and 10,000 test images).
// The data is not in the repository: fetch it once with `bash scripts/fetch-data.sh mnist`.
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.Mnist;
using GraphGen.Training;

var options = ExampleOptions.Parse("Mnist", args, defaultEpochs: 8);
ulong seed = (ulong)options.Seed;

Dataset trainAll, test;
try
{
    trainAll = Datasets.Mnist(train: true).WithFeatureShape([784]);
    test = Datasets.Mnist(train: false).WithFeatureShape([784]);
}
catch (DatasetNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
// Hold out 5,000 training images for validation; the test set is only used once, at the end.
var split = DatasetSplit.Split(trainAll, trainFraction: 55.0 / 60, validationFraction: 5.0 / 60, seed);
var (train, validation) = (split.Train, split.Validation);
Console.WriteLine($"MNIST: {train.Count} train, {validation.Count} validation, {test.Count} test images");

int batchSize = options.Int("batch", 128);
var network = new MnistMlp(batchCapacity: Math.Max(batchSize, 512), seed: options.Seed);
var optimizer = new Adam(learningRate: options.Float("lr", 1e-3f));
Console.WriteLine(MnistMlp.Description.Summary);
var trainer = new Trainer<int>(network, optimizer, train, batchSize, seed);
// A live progress bar in a terminal, one line per epoch when the output is redirected.
TrainingProgress.ForConsole().Run(trainer, train, options.Epochs, validation, afterEpoch: stats =>
{
    if (stats.Epoch == 4) optimizer.LearningRate /= 3;   // a simple step schedule: from epoch 6 on
    return false;
});

string checkpoint = Path.Combine(options.ArtifactsDirectory(), "mnist-mlp.safetensors");
Checkpoint.Save(checkpoint, network, optimizer);
Console.WriteLine($"checkpoint: {checkpoint}");
Console.WriteLine($"test accuracy: {Trainer<int>.Evaluate(network, test).Accuracy:F4}");
return 0;
