// A character-level transformer trained on Moby-Dick, then sampled.
// Fetch the text once with `bash scripts/fetch-data.sh text`.
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.CharTransformer;

var options = ExampleOptions.Parse("CharTransformer", args, defaultEpochs: 10, "steps", "sentence");
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
var attention = AttentionPictures.Record(result.Network, result.Corpus, options.String("sentence", "Call me Ishmael. Some years ago- never mind how long precisely- having"));
string heads = Path.Combine(options.ArtifactsDirectory(), "attention-heads.png");
AttentionPictures.Heads(attention).Save(heads);
Console.WriteLine($"attention of every head on \"{attention.Sentence}\" (mean entropy per row, nats):");
for (int layer = 0; layer < TinyGpt.Layers; layer++)
    Console.WriteLine($"  block{layer}: " + string.Join(", ", Enumerable.Range(0, TinyGpt.Heads).Select(h => $"head{h} {attention.Entropy(layer, h):F2}")));
var (sharpLayer, sharpHead) = Enumerable.Range(0, TinyGpt.Layers).SelectMany(l => Enumerable.Range(0, TinyGpt.Heads).Select(h => (l, h))).MinBy(p => attention.Entropy(p.l, p.h));
string sharpest = Path.Combine(options.ArtifactsDirectory(), "attention-sharpest-head.svg");
AttentionPictures.Head(attention, sharpLayer, sharpHead).Save(sharpest);
Console.WriteLine($"wrote {heads}\nwrote {sharpest} (block{sharpLayer} head{sharpHead}, the sharpest)");
Console.WriteLine("sample (temperature 0.8):");
Console.WriteLine(result.Sample);
Console.WriteLine($"unigram baseline: {result.UnigramNats:F4} nats/char");
Console.WriteLine($"validation loss: {result.ValidationNats:F4} nats/char");
return 0;
