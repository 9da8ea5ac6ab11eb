// Adversarial samples: images changed by at most ε per pixel, invisibly for small ε, that the
// network misclassifies. FGSM takes one step along the sign of the input gradient ∂L/∂x that
// GraphGen generates ([Network(InputGradient = true)]); the iterative attack takes ten smaller
// steps, staying within ε of the original. Reports the success rate over the test set for a few
// ε and saves original | perturbation | adversarial side by side. MNIST when fetched, else digits.
using System.Globalization;
using System.Text;
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.Adversarial;
using GraphGen.Inspection;

var options = ExampleOptions.Parse("Adversarial", args, defaultEpochs: 3, "data");
string artifacts = options.ArtifactsDirectory();
var progress = TrainingProgress.ForConsole();
float[] epsilons = [0.02f, 0.05f, 0.1f, 0.2f];
string which = options.String("data", "mnist");
if (which is not ("mnist" or "digits")) { Console.Error.WriteLine($"error: --data is mnist or digits, not '{which}'"); return 2; }

List<AttackEvaluation> results;
var files = new List<string>();
if (which == "mnist" && TryLoadMnist(options.Seed) is { } mnist)
    results = Attack(new MnistClassifier(batchCapacity: 500, seed: options.Seed), mnist, "mnist", 28, options.Epochs);
else
{
    if (which == "mnist") Console.WriteLine("MNIST is not fetched (bash scripts/fetch-data.sh mnist): attacking a classifier of the 8×8 digits instead.");
    var digits = DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), 0.7, 0.15, (ulong)options.Seed);
    results = Attack(new DigitsClassifier(batchCapacity: 500, seed: options.Seed), digits, "digits", 8, options.Epochs * 10);
}

Console.WriteLine("wrote:");
foreach (string file in files) Console.WriteLine("  " + file);
var fgsm = results.First(r => r.Attack == "fgsm" && r.Epsilon == 0.1f);
Console.WriteLine($"fgsm success rate at eps 0.1: {fgsm.SuccessRate:F4}");
return 0;

List<AttackEvaluation> Attack<TNetwork>(TNetwork network, DatasetSplits data, string name, int side, int epochs)
    where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
{
    Console.WriteLine($"{name}: {data.Train.Count} train, {data.Validation.Count} validation, {data.Test.Count} test images; {network.Name}, Adam, {epochs} epochs");
    var clean = AttackExperiment.Train(network, data, epochs, options.Seed, progress, name);
    Console.WriteLine($"clean test accuracy: {clean.Accuracy:F4}");
    var results = AttackExperiment.Evaluate(network, data.Test, epsilons);
    foreach (var r in results) Console.WriteLine(r);

    var csv = new StringBuilder("attack,epsilon,samples,correct_before,flipped,success_rate,clean_accuracy,adversarial_accuracy\n");
    foreach (var r in results)
        csv.Append(CultureInfo.InvariantCulture, $"{r.Attack},{r.Epsilon},{r.Samples},{r.CorrectBefore},{r.Flipped},{r.SuccessRate:R},{r.CleanAccuracy:R},{r.AdversarialAccuracy:R}\n");
    string csvPath = Path.Combine(artifacts, $"{name}-success-rates.csv");
    File.WriteAllText(csvPath, csv.ToString());
    files.Add(csvPath);
    string plot = Path.Combine(artifacts, $"{name}-success-rates.svg");
    AttackExperiment.SuccessPlot(results, $"Attacks on {network.Name}: success rate over {data.Test.Count} test images").Save(plot);
    files.Add(plot);

    int scale = side == 8 ? 12 : 4;
    foreach (float epsilon in new[] { 0.1f, 0.2f })
    {
        foreach (var (attackName, attack) in new[] { ("fgsm", AttackExperiment.Fgsm(network, epsilon)), ("iterative", AttackExperiment.Iterative(network, epsilon)) })
        {
            string path = Path.Combine(artifacts, string.Create(CultureInfo.InvariantCulture, $"{name}-{attackName}-eps{epsilon:0.00}.png"));
            AttackExperiment.SideBySide(network, data.Test, attack, attackName, epsilon, side, side, count: 6, scale).Save(path);
            files.Add(path);
        }
    }
    return results;
}

static DatasetSplits? TryLoadMnist(int seed)
{
    try
    {
        var trainAll = Datasets.Mnist(train: true).WithFeatureShape([784]);
        var test = Datasets.Mnist(train: false).WithFeatureShape([784]);
        var split = DatasetSplit.Split(trainAll, 55.0 / 60, 5.0 / 60, (ulong)seed);
        return new DatasetSplits(split.Train, split.Validation, test);
    }
    catch (DatasetNotFoundException)
    {
        return null;
    }
}
