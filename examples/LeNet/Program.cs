// LeNet-5 on MNIST. Fetch the data once with `bash scripts/fetch-data.sh mnist`.
// Started by mpirun (`mpirun -np 2 dotnet examples/LeNet/bin/Release/net10.0/LeNet.dll`), each rank
// trains on its share of every batch (docs/distributed.md); alone, no MPI is loaded.
using GraphGen;
using GraphGen.Data;
using GraphGen.Distributed;
using GraphGen.Examples;
using GraphGen.Examples.LeNet;

var options = ExampleOptions.Parse("LeNet", args, defaultEpochs: 8);
using var device = ExampleDevice.Open(options);   // --device cpu (default), cuda or ilgpu-cpu
using var group = MpiProcessGroup.JoinIfLaunched();
if (group is { IsRoot: false }) Console.SetOut(TextWriter.Null);   // every rank computes the same figures; rank 0 prints them
Dataset train, test;
try
{
    train = Datasets.Mnist(train: true);
    test = Datasets.Mnist(train: false);
}
catch (DatasetNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
var result = LeNetExperiment.Run(train, test, options.Epochs, options.Seed, options.Int("batch", 64), options.Float("lr", 2e-3f), Console.Out, group, device.Place);
string checkpoint = Path.Combine(options.ArtifactsDirectory(), "lenet5.safetensors");
if (group is null || group.IsRoot) Checkpoint.Save(checkpoint, result.Network, result.Optimizer);   // rank 0 writes (atomically)
group?.Barrier();   // the other ranks end only once the file is complete
Console.WriteLine($"checkpoint: {checkpoint}");
foreach (string picture in LeNetPictures.Save(result.Network, test, index: 0, options.ArtifactsDirectory())) Console.WriteLine($"wrote {picture}");
Console.WriteLine($"test accuracy: {result.Test.Accuracy:F4}");
return 0;
