// A residual CNN on Fashion-MNIST. Fetch the data once with `bash scripts/fetch-data.sh fashion-mnist`.
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.FashionResNet;

var options = ExampleOptions.Parse("FashionResNet", args, defaultEpochs: 6);
Dataset train, test;
try
{
    train = Datasets.FashionMnist(train: true);
    test = Datasets.FashionMnist(train: false);
}
catch (DatasetNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
var result = FashionExperiment.Run(train, test, options.Epochs, options.Seed, options.Int("batch", 64), options.Float("lr", 3e-3f), Console.Out);
string checkpoint = Path.Combine(options.ArtifactsDirectory(), "fashion-resnet.safetensors");
Checkpoint.Save(checkpoint, result.Network, result.Optimizer);
Console.WriteLine($"checkpoint: {checkpoint} (with the BatchNorm running statistics)");
Console.WriteLine($"test accuracy: {result.Test.Accuracy:F4}");
return 0;
