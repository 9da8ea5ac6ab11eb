// LeNet-5 on MNIST. Fetch the data once with `bash scripts/fetch-data.sh mnist`.
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.LeNet;

var options = ExampleOptions.Parse("LeNet", args, defaultEpochs: 8);
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
var result = LeNetExperiment.Run(train, test, options.Epochs, options.Seed, options.Int("batch", 64), options.Float("lr", 2e-3f), Console.Out);
string checkpoint = Path.Combine(options.ArtifactsDirectory(), "lenet5.safetensors");
Checkpoint.Save(checkpoint, result.Network, result.Optimizer);
Console.WriteLine($"checkpoint: {checkpoint}");
foreach (string picture in LeNetPictures.Save(result.Network, test, index: 0, options.ArtifactsDirectory())) Console.WriteLine($"wrote {picture}");
Console.WriteLine($"test accuracy: {result.Test.Accuracy:F4}");
return 0;
