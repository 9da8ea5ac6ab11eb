// Normalisation and dropout on one network: 64 → 128 → 128 → 10 with ReLU, trained alike with
// plain SGD on 500 of the digits, as it is, with BatchNorm or LayerNorm before each ReLU, and with
// dropout after each. Writes the validation curves and the train/validation gap, and shows that
// a sample's output depends on its batch in BatchNorm's training mode but not in inference mode.
using GraphGen.Examples;
using GraphGen.Examples.Normalization;

var options = ExampleOptions.Parse("Normalization", args, defaultEpochs: 100, "train-samples");
int batch = options.Int("batch", 32);
float learningRate = options.Float("lr", 0.05f);
string artifacts = options.ArtifactsDirectory();
var data = NormalizationExperiment.Digits(options.Seed, options.Int("train-samples", 500));
Console.WriteLine($"UCI digits: {data.Train.Count} train, {data.Validation.Count} validation, {data.Test.Count} test; plain SGD, lr {learningRate}, batch {batch}, {options.Epochs} epochs");
var progress = TrainingProgress.ForConsole();

var runs = new List<NormalizationExperiment.Run>();
foreach (var (label, network) in NormalizationExperiment.Networks(options.Seed))
    runs.Add(NormalizationExperiment.Train(label, network, data, options.Epochs, options.Seed, learningRate, batch, progress));

Console.WriteLine();
Console.WriteLine("variant     train loss  validation loss  test accuracy   (inference mode)");
foreach (var run in runs)
    Console.WriteLine($"{run.Label,-10}  {run.Train.Loss,10:F4}  {run.Validation.Loss,15:F4}  {run.Test.Accuracy,13:F4}");

var modes = NormalizationExperiment.CompareModes((BatchNormNet)runs[1].Network, data.Test, batchSize: 32);
Console.WriteLine();
Console.WriteLine("test sample 0 in two batches of 32 that share only it, BatchNormNet's logits:");
Console.WriteLine($"  training mode (batch statistics):   largest difference {modes.TrainingModeDifference:F4}");
Console.WriteLine($"  inference mode (running averages):  largest difference {modes.InferenceModeDifference:F4}");

string curves = Path.Combine(artifacts, "validation-loss.svg");
NormalizationExperiment.ValidationLoss(runs).Save(curves);
string gap = Path.Combine(artifacts, "train-validation-gap.svg");
NormalizationExperiment.Gap(runs).Save(gap);
foreach (var run in runs) run.History.SaveCsv(Path.Combine(artifacts, $"{run.Label}-curves.csv"));
Console.WriteLine($"wrote:\n  {curves}\n  {gap}");
Console.WriteLine("test accuracy: " + string.Join(", ", runs.Select(r => $"{r.Label} {r.Test.Accuracy:F4}")));
