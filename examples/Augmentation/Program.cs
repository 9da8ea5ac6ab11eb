// Dataset augmentation: a small CNN trained on the clean 8×8 digits, the same network trained with
// seeded noise augmentation in the runtime's batch pipeline (noise of σ up to 0.6), and once more
// with shifts and rotations as well; all three tested on the test digits with more and more noise.
using GraphGen.Examples;
using GraphGen.Examples.Augmentation;

var options = ExampleOptions.Parse("Augmentation", args, defaultEpochs: 30);
string artifacts = options.ArtifactsDirectory();
var data = AugmentationExperiment.Digits(options.Seed);
var progress = TrainingProgress.ForConsole();
Console.WriteLine($"UCI digits: {data.Train.Count} train, {data.Validation.Count} validation, {data.Test.Count} test; SmallConvNet, Adam, {options.Epochs} epochs");
Console.WriteLine($"noise augmentation: {AugmentationExperiment.Training()}");
Console.WriteLine($"geometric augmentation: {AugmentationExperiment.Geometric()}");

var clean = AugmentationExperiment.Train(data, null, options.Epochs, options.Seed, progress, "clean");
var augmented = AugmentationExperiment.Train(data, AugmentationExperiment.Training(), options.Epochs, options.Seed, progress, "noise");
var geometric = AugmentationExperiment.Train(data, AugmentationExperiment.Geometric(), options.Epochs, options.Seed, progress, "geometric");
var runs = new List<(string Label, double[] Accuracy)>
{
    ("trained on clean digits", AugmentationExperiment.AccuracyAgainstNoise(clean, data.Test, options.Seed)),
    ("trained with noise", AugmentationExperiment.AccuracyAgainstNoise(augmented, data.Test, options.Seed)),
    ("noise, shifts, rotations", AugmentationExperiment.AccuracyAgainstNoise(geometric, data.Test, options.Seed)),
};

Console.WriteLine();
Console.WriteLine("test accuracy by the σ of the noise on the test digits:");
Console.WriteLine("noise σ   clean-trained   noise-augmented   noise+geometric");
for (int i = 0; i < AugmentationExperiment.NoiseLevels.Length; i++)
    Console.WriteLine($"{AugmentationExperiment.NoiseLevels[i],7:0.0}   {runs[0].Accuracy[i],13:F4}   {runs[1].Accuracy[i],15:F4}   {runs[2].Accuracy[i],15:F4}");

string plot = Path.Combine(artifacts, "accuracy-against-noise.svg");
AugmentationExperiment.NoisePlot(runs).Save(plot);
string samples = Path.Combine(artifacts, "samples.png");
AugmentationExperiment.Samples(data.Test, options.Seed).Save(samples);
Console.WriteLine($"wrote:\n  {plot}\n  {samples}");
Console.WriteLine($"test accuracy at noise 0.4: clean-trained {runs[0].Accuracy[4]:F4}, noise-augmented {runs[1].Accuracy[4]:F4}, noise+geometric {runs[2].Accuracy[4]:F4}");
