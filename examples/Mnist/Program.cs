// An MLP on the full MNIST set (60,000 training and 10,000 test images).
// The data is not in the repository: fetch it once with `bash scripts/fetch-data.sh mnist`.
// Started by mpirun (`mpirun -np 2 dotnet examples/Mnist/bin/Release/net10.0/Mnist.dll`), each rank
// trains on its share of every batch (docs/distributed.md); alone, no MPI is loaded.
using GraphGen;
using GraphGen.Data;
using GraphGen.Distributed;
using GraphGen.Examples;
using GraphGen.Examples.Mnist;
using GraphGen.Training;

var options = ExampleOptions.Parse("Mnist", args, defaultEpochs: 8);
using var device = ExampleDevice.Open(options);   // --device cpu (default), cuda or ilgpu-cpu
using var group = MpiProcessGroup.JoinIfLaunched();
if (group is { IsRoot: false }) Console.SetOut(TextWriter.Null);   // every rank computes the same figures; rank 0 prints them
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
device.Place(network);
var optimizer = new Adam(learningRate: options.Float("lr", 1e-3f));
Console.WriteLine(MnistMlp.Description.Summary);
// With several ranks, the trainer sees one network that computes each batch across all of them.
DataParallelNetwork<int>? parallel = group is null ? null : new DataParallelNetwork<int>(network, group);
ITrainableNetwork<int> trained = parallel ?? (ITrainableNetwork<int>)network;
if (group is not null) Console.WriteLine($"data-parallel over {group.Size} MPI ranks, each computing about {batchSize / group.Size} samples of every batch of {batchSize}");
var trainer = new Trainer<int>(trained, optimizer, train, batchSize, seed);
// A live progress bar in a terminal, one line per epoch when the output is redirected.
TrainingProgress.ForConsole().Run(trainer, train, options.Epochs, validation, afterEpoch: stats =>
{
    parallel?.VerifyReplicas($"after epoch {stats.Epoch + 1}", optimizer);   // every rank still holds the same bits
    if (stats.Epoch == 4) optimizer.LearningRate /= 3;   // a simple step schedule: from epoch 6 on
    return false;
});

string checkpoint = Path.Combine(options.ArtifactsDirectory(), "mnist-mlp.safetensors");
if (parallel is not null) parallel.SaveCheckpoint(checkpoint, optimizer);   // rank 0 writes
else Checkpoint.Save(checkpoint, network, optimizer);
Console.WriteLine($"checkpoint: {checkpoint}");
if (parallel is not null)
    Console.WriteLine($"rank 0: {parallel.ComputeTime.TotalSeconds:F2} s computing its shards, {parallel.CommunicationTime.TotalSeconds:F2} s in collectives (sending, adding, waiting)");
Console.WriteLine($"test accuracy: {Trainer<int>.Evaluate(trained, test).Accuracy:F4}");
return 0;
