// Recurrence and backpropagation through time: an 8×8 digit read as 16 steps of 4 pixels by an
// Elman network (h = tanh(W_x·x + W_h·h + b)) and by a GRU, each classifying the digit from its
// last state. Both are unrolled by the generator; their InputGradient gives ∂L/∂x_t, the gradient
// that backpropagation through time carries back to each step. Writes it per step, before and
// after training, on a log axis.
using GraphGen.Examples;
using GraphGen.Examples.Recurrence;

var options = ExampleOptions.Parse("Recurrence", args, defaultEpochs: 30);
int batch = options.Int("batch", 32);
float learningRate = options.Float("lr", 3e-3f);
string artifacts = options.ArtifactsDirectory();
var data = RecurrenceExperiment.Digits(options.Seed);
Console.WriteLine($"UCI digits as sequences of {DigitSequence.Steps} steps of {DigitSequence.Inputs} pixels: {data.Train.Count} train, {data.Validation.Count} validation, {data.Test.Count} test; Adam, lr {learningRate}, batch {batch}, {options.Epochs} epochs");
var progress = TrainingProgress.ForConsole();

var runs = new List<RecurrenceExperiment.Run>
{
    RecurrenceExperiment.Train("Elman", new ElmanRnn(batchCapacity: 512, seed: options.Seed), data, options.Epochs, options.Seed, learningRate, batch, progress),
    RecurrenceExperiment.Train("GRU", new GruRnn(batchCapacity: 512, seed: options.Seed), data, options.Epochs, options.Seed, learningRate, batch, progress),
};

Console.WriteLine();
Console.WriteLine("‖∂L/∂x_t‖, mean over the test digits:");
Console.WriteLine("step    " + string.Join("  ", runs.SelectMany(r => new[] { $"{r.Label + " init",-10}", $"{r.Label + " trained",-10}" })));
for (int t = 0; t < DigitSequence.Steps; t++)
    Console.WriteLine($"{t + 1,4}    " + string.Join("  ", runs.SelectMany(r => new[] { $"{r.InitialGradientPerStep[t],-10:0.00E+00}", $"{r.TrainedGradientPerStep[t],-10:0.00E+00}" })));
foreach (var run in runs)
    Console.WriteLine($"{run.Label}: the last step gets {run.TrainedGradientPerStep[^1] / run.TrainedGradientPerStep[0]:0.0} times the gradient of the first (trained), {run.InitialGradientPerStep[^1] / run.InitialGradientPerStep[0]:0.0} times (initial)");

string plot = Path.Combine(artifacts, "gradient-per-time-step.svg");
RecurrenceExperiment.GradientPlot(runs).Save(plot);
Console.WriteLine($"wrote:\n  {plot}");
Console.WriteLine($"test accuracy: Elman {runs[0].Test.Accuracy:F4}, GRU {runs[1].Test.Accuracy:F4}");
