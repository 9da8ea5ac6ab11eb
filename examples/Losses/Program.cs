// Types of loss, each on a small network of the digits: a reconstruction loss (an autoencoder,
// mean squared error), a contrastive loss (softmax over negative distances between an anchor's
// embedding and four candidates'), and a weighted sum of a reconstruction and a regularisation
// term (a VAE's log loss + β·KL, with β = 1 and β = 10). The regression and categorical losses
// are the Regression and Digits examples'.
using GraphGen.Examples;
using GraphGen.Examples.Losses;

var options = ExampleOptions.Parse("Losses", args, defaultEpochs: 30);
string artifacts = options.ArtifactsDirectory();
var data = LossExperiments.Digits(options.Seed);
var progress = TrainingProgress.ForConsole();
Console.WriteLine($"UCI digits: {data.Train.Count} train, {data.Validation.Count} validation, {data.Test.Count} test; Adam, {options.Epochs} epochs each");

var (autoencoder, reconstructionError) = LossExperiments.Autoencode(data, options.Epochs, options.Seed, progress);
var contrastive = LossExperiments.Contrast(data, options.Epochs, options.Seed, progress);
var vaes = new[]
{
    LossExperiments.TrainVae("β = 1", DigitsVae.Beta, new DigitsVae(batchCapacity: 512, seed: options.Seed), data, options.Epochs, options.Seed, progress),
    LossExperiments.TrainVae("β = 10", DigitsBetaVae.Beta, new DigitsBetaVae(batchCapacity: 512, seed: options.Seed), data, options.Epochs, options.Seed, progress),
};

var files = new List<string>();
string Save(string name, Action<string> write)
{
    string path = Path.Combine(artifacts, name);
    write(path);
    files.Add(path);
    return path;
}
Save("autoencoder-reconstructions.png", p => LossExperiments.Reconstructions(autoencoder, data.Test).Save(p));
Save("contrastive-embeddings.svg", p => LossExperiments.Scatter(contrastive.TestEmbeddings, data.Test, "Contrastive embeddings of the test digits", "embedding").Save(p));
foreach (var vae in vaes)
    Save($"vae-beta{vae.Beta:0}-latent.svg", p => LossExperiments.Scatter(vae.TestMeans, data.Test, $"VAE code means of the test digits, {vae.Label}", "μ").Save(p));

Console.WriteLine();
Console.WriteLine($"reconstruction: DigitsAutoencoder, test mean squared error {reconstructionError:F4} per pixel");
Console.WriteLine($"contrastive: ContrastiveEncoder, positive ranked first in {contrastive.TupleAccuracy:F4} of the test tuples; nearest class centre of the 2-D embeddings: test accuracy {contrastive.NearestCentreAccuracy:F4}");
foreach (var vae in vaes)
    Console.WriteLine($"weighted sum 64·log loss + β·KL, {vae.Label}: reconstruction {vae.Reconstruction:F2} nats, KL {vae.Kl:F2} nats per test image");
Console.WriteLine("wrote:");
foreach (string file in files) Console.WriteLine("  " + file);
Console.WriteLine($"test accuracy: contrastive nearest centre {contrastive.NearestCentreAccuracy:F4}");
