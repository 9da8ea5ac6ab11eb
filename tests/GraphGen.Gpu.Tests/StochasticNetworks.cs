using static GraphGen.Nn;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// A tiny variational autoencoder: an encoder to N(μ, σ²) over a 3-number code, a sample
/// z = μ + σ·ε (noise from the counter-based stream), a decoder to pixel logits, and the negative
/// evidence lower bound: the reconstruction log loss summed over the pixels plus the KL divergence.
/// </summary>
[Network]
public partial class TinyVae
{
    public const int Pixels = 10, Latent = 3;

    [Forward]
    (Tensor Logits, Tensor Mean, Tensor LogVariance) Forward([Shape(Pixels)] Tensor image)
    {
        var h = Relu(Dense(image, 8, "encoder.fc"));
        var mean = Dense(h, Latent, "encoder.mean");
        var logVariance = Dense(h, Latent, "encoder.logvar");
        var z = Sample(mean, logVariance);
        var logits = Dense(Tanh(Dense(z, 8, "decoder.fc")), Pixels, "decoder.out");
        return (logits, mean, logVariance);
    }

    [Loss]
    Tensor Loss(Tensor logits, Tensor mean, Tensor logVariance, [Shape(Pixels)] Tensor image) =>
        10f * BinaryCrossEntropyWithLogits(logits, image) + KlDivergence(mean, logVariance);   // 10 = Pixels: the log loss summed over pixels
}
