// Inside a network, for one input: every layer's activations as a heatmap, and a saliency map,
// the gradient of the loss of the predicted class with respect to each pixel, |∂L/∂x|, which
// shows the pixels the decision is most sensitive to. For the 8×8 digits (shipped) and 28×28
// MNIST (fetched with bash scripts/fetch-data.sh mnist; skipped with a message if absent).
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.Heatmaps;
using GraphGen.Imaging;

var options = ExampleOptions.Parse("Heatmaps", args, defaultEpochs: 30, "index", "mnist-epochs");
int index = options.Int("index", 0, minimum: 0);
string artifacts = options.ArtifactsDirectory();
var progress = TrainingProgress.ForConsole();
var files = new List<string>();

// The digits: 8×8 pixels, scaled to [0, 1].
var digits = DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), 0.7, 0.15, (ulong)options.Seed);
var digitsNet = new DigitsSaliencyNet(batchCapacity: 256, seed: options.Seed);
var digitsTest = HeatmapExplainer.Train(digitsNet, digits, options.Epochs, options.Seed, progress, "digits");
files.AddRange(Explain(digitsNet, digits.Test, "digits", 8, 8, pixelScale: 12));

// MNIST, when it has been fetched.
string mnistResult;
try
{
    var trainAll = Datasets.Mnist(train: true).WithFeatureShape([784]);
    var mnistTest = Datasets.Mnist(train: false).WithFeatureShape([784]);
    var split = DatasetSplit.Split(trainAll, 55.0 / 60, 5.0 / 60, (ulong)options.Seed);
    var mnist = new DatasetSplits(split.Train, split.Validation, mnistTest);
    var mnistNet = new MnistSaliencyNet(batchCapacity: 256, seed: options.Seed);
    var evaluation = HeatmapExplainer.Train(mnistNet, mnist, options.Int("mnist-epochs", 3, minimum: 0), options.Seed, progress, "mnist");
    files.AddRange(Explain(mnistNet, mnist.Test, "mnist", 28, 28, pixelScale: 4));
    mnistResult = $"{evaluation.Accuracy:F4}";
}
catch (DatasetNotFoundException e)
{
    Console.WriteLine($"MNIST skipped: {e.Message}");
    mnistResult = "skipped (not fetched)";
}

Console.WriteLine("wrote:");
foreach (string file in files) Console.WriteLine("  " + file);
Console.WriteLine($"test accuracy: digits {digitsTest.Accuracy:F4}, mnist {mnistResult}");

IEnumerable<string> Explain<TNetwork>(TNetwork network, Dataset test, string name, int width, int height, int pixelScale)
    where TNetwork : GraphGen.ITrainableNetwork<int>, GraphGen.IInputGradientNetwork
{
    if (index >= test.Count)
    {
        Console.Error.WriteLine($"error: --index {index} is past the {test.Count} test images of {name}");
        Environment.Exit(2);
    }
    var input = test.FeaturesOf(index);
    var e = HeatmapExplainer.Explain(network, input, test.LabelOf(index));
    Console.WriteLine($"{name} test image {index}: label {e.Label}, predicted {e.Predicted} with confidence {e.Confidence:F4}");
    var paths = new List<string>();
    string Save(Image image, string file)
    {
        string path = Path.Combine(artifacts, file);
        image.Save(path);
        paths.Add(path);
        return path;
    }
    Save(HeatmapExplainer.Sheet(e, input, width, height, pixelScale), $"{name}-{index}-layers.png");
    Save(Image.FromGray(input, width, height, 0, 1).Scale(pixelScale), $"{name}-{index}-input.png");
    foreach (var a in e.Activations)
        Save(GraphGen.Inspection.ActivationImages.Heatmap(a.Values, a.Tensor.Shape, cellSize: 16), $"{name}-{index}-{a.Tensor.Name}.png");
    Save(GraphGen.Inspection.ActivationImages.SaliencyOverlay(input, e.Saliency, width, height, scale: pixelScale), $"{name}-{index}-saliency.png");
    Save(HeatmapExplainer.SaliencyGallery(network, test, width, height, pixelScale), $"{name}-saliency-by-class.png");
    string heatmap = Path.Combine(artifacts, $"{name}-hidden1-by-class.svg");
    HeatmapExplainer.LayerByClass(network, test, "hidden1", $"{name}: first hidden layer, one test image per digit").Save(heatmap);
    paths.Add(heatmap);
    return paths;
}
