// A GRU that learns what names look like, then invents new ones.
// Fetch the name lists once with `bash scripts/fetch-data.sh text`.
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.Names;

var options = ExampleOptions.Parse("Names", args, defaultEpochs: 14);
IReadOnlyList<string> names;
try
{
    names = Datasets.Names();
}
catch (DatasetNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
var result = NamesExperiment.Run(names, options.Epochs, options.Seed, options.Int("batch", 64), options.Float("lr", 3e-3f), Console.Out);
string checkpoint = Path.Combine(options.ArtifactsDirectory(), "name-gru.safetensors");
Checkpoint.Save(checkpoint, result.Network);
Console.WriteLine($"checkpoint: {checkpoint}");
Console.WriteLine("new names: " + string.Join(", ", result.Samples));
Console.WriteLine($"validation loss: {result.ValidationNats:F4} nats/char");
return 0;
