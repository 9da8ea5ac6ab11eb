// Trains a small MLP on the UCI handwritten digits (8×8 images, shipped in examples/data),
// saves it as a checkpoint and as an ONNX model, and reports its accuracy on a held-out test set.
// The network is declared in DigitsMlp.cs; the code GraphGen generates for it is in Generated/
// next to this file.
using GraphGen;
using GraphGen.Examples;
using GraphGen.Examples.Digits;
using GraphGen.Onnx;

var options = ExampleOptions.Parse("Digits", args, defaultEpochs: 40);
using var device = ExampleDevice.Open(options);   // --device cpu (default), cuda or ilgpu-cpu
var result = DigitsExperiment.Run(options.Epochs, options.Seed, options.Int("batch", 32), options.Float("lr", 3e-3f), Console.Out, device.Place);

string checkpoint = Path.Combine(options.ArtifactsDirectory(), "digits-mlp.safetensors");
Checkpoint.Save(checkpoint, result.Network, result.Optimizer);
Console.WriteLine($"checkpoint: {checkpoint}");
// The trained network as an ONNX model, for ONNX Runtime and other tools (docs/onnx.md).
string onnx = Path.Combine(options.ArtifactsDirectory(), "digits-mlp.onnx");
OnnxExport.Save(result.Network, onnx);
Console.WriteLine($"onnx model: {onnx}");
Console.WriteLine($"test loss: {result.Test.Loss:F4}");
Console.WriteLine($"test accuracy: {result.Test.Accuracy:F4}");
