// A character-level transformer trained on Moby-Dick, then sampled.
// Fetch the text once with `bash scripts/fetch-data.sh text`.
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.CharTransformer;

var options = ExampleOptions.Parse("CharTransformer", args, defaultEpochs: 10, "steps");
using var device = ExampleDevice.Open(options);   // --device cpu (default), cuda or ilgpu-cpu
string text;
try
{
    text = Datasets.MobyDick();
}
catch (DatasetNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
var result = GptExperiment.Run(text, options.Epochs, options.Int("steps", 300), options.Seed, options.Int("batch", 32), options.Float("lr", 2e-3f), Console.Out, device.Place);
string checkpoint = Path.Combine(options.ArtifactsDirectory(), "tiny-gpt.safetensors");
Checkpoint.Save(checkpoint, result.Network);
Console.WriteLine($"checkpoint: {checkpoint}");
Console.WriteLine("sample (temperature 0.8):");
Console.WriteLine(result.Sample);
Console.WriteLine($"unigram baseline: {result.UnigramNats:F4} nats/char");
Console.WriteLine($"validation loss: {result.ValidationNats:F4} nats/char");
return 0;
