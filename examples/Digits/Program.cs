// Trains a small MLP on the UCI handwritten digits (8×8 images, shipped in examples/data) and
// reports its accuracy on a held-out test set. The network is declared in DigitsMlp.cs; the
// code GraphGen generates for it is in Generated/ next to this file.
using GraphGen;
using GraphGen.Examples;
using GraphGen.Examples.Digits;

var options = ExampleOptions.Parse("Digits", args, defaultEpochs: 40);
using var device = ExampleDevice.Open(options);   // --device cpu (default), cuda or ilgpu-cpu
var result = DigitsExperiment.Run(options.Epochs, options.Seed, options.Int("batch", 32), options.Float("lr", 3e-3f), Console.Out, device.Place);

string checkpoint = Path.Combine(options.ArtifactsDirectory(), "digits-mlp.safetensors");
Checkpoint.Save(checkpoint, result.Network, result.Optimizer);
Console.WriteLine($"checkpoint: {checkpoint}");
Console.WriteLine($"test loss: {result.Test.Loss:F4}");
Console.WriteLine($"test accuracy: {result.Test.Accuracy:F4}");
