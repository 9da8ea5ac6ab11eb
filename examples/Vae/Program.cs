// An autoencoder and a variational autoencoder on MNIST, with pictures of what they learned.
// Fetch the data once with `bash scripts/fetch-data.sh mnist`.
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.Vae;

var options = ExampleOptions.Parse("Vae", args, defaultEpochs: 10);
Dataset train, test;
try
{
    train = Datasets.Mnist(train: true);
    test = Datasets.Mnist(train: false);
}
catch (DatasetNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
var result = VaeExperiment.Run(train, test, options.Epochs, options.Seed, options.Int("batch", 128), options.Float("lr", 1e-3f), options.ArtifactsDirectory(), Console.Out);
foreach (var image in result.Images) Console.WriteLine($"wrote {image}");
Console.WriteLine($"autoencoder test log loss: {result.AutoencoderTestLoss:F4} per pixel");
Console.WriteLine($"2-D latent VAE test ELBO: {result.LatentPlaneTestElbo:F2} nats per image");
Console.WriteLine($"test ELBO: {result.TestElbo:F2} nats per image");
return 0;
