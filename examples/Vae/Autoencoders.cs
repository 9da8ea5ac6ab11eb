using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Vae;

/// <summary>A plain autoencoder: 784 pixels squeezed through a 32-number code and back; trained to reproduce its input.</summary>
[Network]
public partial class Autoencoder
{
    [Forward]
    Tensor Forward([Shape(784)] Tensor image)
    {
        var code = Dense(Relu(Dense(image, 256, "encoder.fc")), 32, "encoder.code");
        return Dense(Relu(Dense(code, 256, "decoder.fc")), 784, "decoder.out");   // pixel logits
    }

    [Loss]
    Tensor Loss(Tensor logits, [Shape(784)] Tensor image) => BinaryCrossEntropyWithLogits(logits, image);
}

/// <summary>
/// A variational autoencoder (Kingma and Welling, 2014): the encoder gives a distribution
/// N(μ, σ²) over a 16-number latent code, a sample z = μ + σ·ε feeds the decoder, and the loss
/// is the negative evidence lower bound: reconstruction log loss summed over the pixels plus the
/// KL divergence of the code's distribution from N(0, 1).
/// </summary>
[Network]
public partial class VariationalAutoencoder
{
    public const int Latent = 16;

    [Forward]
    (Tensor Logits, Tensor Mean, Tensor LogVariance) Forward([Shape(784)] Tensor image)
    {
        var h = Relu(Dense(image, 400, "encoder.fc"));
        var mean = Dense(h, Latent, "encoder.mean");
        var logVariance = Dense(h, Latent, "encoder.logvar");
        var z = Sample(mean, logVariance);
        var logits = Dense(Relu(Dense(z, 400, "decoder.fc")), 784, "decoder.out");
        return (logits, mean, logVariance);
    }

    [Loss]
    Tensor Loss(Tensor logits, Tensor mean, Tensor logVariance, [Shape(784)] Tensor image) =>
        784f * BinaryCrossEntropyWithLogits(logits, image) + KlDivergence(mean, logVariance);
}

/// <summary>The VAE's decoder alone, to draw new images from z ~ N(0, 1); its layer names match the VAE's, so its weights load from the VAE's checkpoint.</summary>
[Network]
public partial class VaeDecoder
{
    [Forward]
    Tensor Forward([Shape(VariationalAutoencoder.Latent)] Tensor z) =>
        Sigmoid(Dense(Relu(Dense(z, 400, "decoder.fc")), 784, "decoder.out"));
}

/// <summary>
/// A VAE whose code has two numbers only, so that the latent space can be drawn as it is: each
/// test digit is a point (its mean μ), and a grid of points of the plane decodes to a map of digits.
/// </summary>
[Network]
public partial class LatentPlaneVae
{
    [Forward]
    (Tensor Logits, Tensor Mean, Tensor LogVariance) Forward([Shape(784)] Tensor image)
    {
        var h = Relu(Dense(image, 256, "encoder.fc"));
        var mean = Dense(h, 2, "encoder.mean");
        var logVariance = Dense(h, 2, "encoder.logvar");
        var logits = Dense(Relu(Dense(Sample(mean, logVariance), 256, "decoder.fc")), 784, "decoder.out");
        return (logits, mean, logVariance);
    }

    [Loss]
    Tensor Loss(Tensor logits, Tensor mean, Tensor logVariance, [Shape(784)] Tensor image) =>
        784f * BinaryCrossEntropyWithLogits(logits, image) + KlDivergence(mean, logVariance);
}

/// <summary>The decoder of <see cref="LatentPlaneVae"/> alone, with the same layer names, to decode points of the plane.</summary>
[Network]
public partial class LatentPlaneDecoder
{
    [Forward]
    Tensor Forward([Shape(2)] Tensor z) => Sigmoid(Dense(Relu(Dense(z, 256, "decoder.fc")), 784, "decoder.out"));
}
