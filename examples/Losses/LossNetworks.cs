using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.Losses;

/// <summary>
/// A reconstruction loss: an autoencoder squeezes the 64 pixels of a digit through 8 numbers and
/// is trained to give them back, L = mean((x̂ − x)²); the target is the input itself.
/// </summary>
[Network]
public partial class DigitsAutoencoder
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels)
    {
        var code = Dense(Relu(Dense(pixels, 32, "encoder.fc")), 8, "encoder.code");
        return Sigmoid(Dense(Relu(Dense(code, 32, "decoder.fc")), 64, "decoder.out"));
    }

    [Loss]
    Tensor Loss(Tensor reconstruction, [Shape(64)] Tensor pixels) => MeanSquaredError(reconstruction, pixels);
}

/// <summary>The tuples of the contrastive task: an anchor digit, then candidates of which exactly one has the anchor's class.</summary>
public static class Contrast
{
    /// <summary>Candidates per anchor: one positive and three negatives (digits of other classes).</summary>
    public const int Candidates = 4;

    /// <summary>Numbers per embedding: two, so the embeddings can be plotted as they are.</summary>
    public const int Dimensions = 2;
}

/// <summary>
/// A contrastive loss: one encoder embeds an anchor and four candidates (one row each, the same
/// weights for every row), each candidate scores −‖e(anchor) − e(candidate)‖², and softmax
/// cross-entropy over the four scores pulls the positive towards the anchor while pushing the
/// negatives away, in one formula (an N-pair / InfoNCE loss with Euclidean similarity).
/// </summary>
[Network]
public partial class ContrastiveEncoder
{
    [Forward]
    Tensor Forward([Shape(Contrast.Candidates + 1, 64)] Tensor digits)
    {
        var embedded = Unstack(Dense(Relu(Dense(digits, 32, "embed.fc")), Contrast.Dimensions, "embed.out"));   // a row per digit
        var scores = new Tensor[Contrast.Candidates];
        for (int k = 0; k < Contrast.Candidates; k++)
        {
            var difference = embedded[0] - embedded[k + 1];
            scores[k] = -Sum(difference * difference);                 // −‖a − c_k‖², one number
        }
        return Concat(scores);                                          // [4]: a logit per candidate
    }

    [Loss]
    Tensor Loss(Tensor scores, [Labels(Contrast.Candidates)] Tensor positive) => SoftmaxCrossEntropy(scores, positive);
}

/// <summary>The trained encoder alone, to embed single digits; its layer names match the contrastive network's, so its weights are copied by name.</summary>
[Network]
public partial class DigitEmbedder
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor pixels) => Dense(Relu(Dense(pixels, 32, "embed.fc")), Contrast.Dimensions, "embed.out");
}

/// <summary>
/// A weighted sum of two losses: a variational autoencoder of the digits with a 2-number latent
/// code, trained on the reconstruction's log loss (summed over the 64 pixels) plus Beta times the
/// KL divergence of the code's distribution from N(0, 1), a regularisation term. Beta = 1 is the
/// evidence lower bound of Kingma and Welling; <see cref="DigitsBetaVae"/> weighs the KL term ten times more.
/// </summary>
[Network]
public partial class DigitsVae
{
    /// <summary>The weight of the KL term.</summary>
    public const float Beta = 1f;

    [Forward]
    (Tensor Logits, Tensor Mean, Tensor LogVariance) Forward([Shape(64)] Tensor pixels)
    {
        var h = Relu(Dense(pixels, 64, "encoder.fc"));
        var mean = Dense(h, 2, "encoder.mean");
        var logVariance = Dense(h, 2, "encoder.logvar");
        var logits = Dense(Relu(Dense(Sample(mean, logVariance), 64, "decoder.fc")), 64, "decoder.out");
        return (logits, mean, logVariance);
    }

    [Loss]
    Tensor Loss(Tensor logits, Tensor mean, Tensor logVariance, [Shape(64)] Tensor pixels) =>
        64f * BinaryCrossEntropyWithLogits(logits, pixels) + Beta * KlDivergence(mean, logVariance);
}

/// <summary>The same network with the KL term weighted ten times more (a β-VAE, Higgins et al., 2017).</summary>
[Network]
public partial class DigitsBetaVae
{
    /// <summary>The weight of the KL term.</summary>
    public const float Beta = 10f;

    [Forward]
    (Tensor Logits, Tensor Mean, Tensor LogVariance) Forward([Shape(64)] Tensor pixels)
    {
        var h = Relu(Dense(pixels, 64, "encoder.fc"));
        var mean = Dense(h, 2, "encoder.mean");
        var logVariance = Dense(h, 2, "encoder.logvar");
        var logits = Dense(Relu(Dense(Sample(mean, logVariance), 64, "decoder.fc")), 64, "decoder.out");
        return (logits, mean, logVariance);
    }

    [Loss]
    Tensor Loss(Tensor logits, Tensor mean, Tensor logVariance, [Shape(64)] Tensor pixels) =>
        64f * BinaryCrossEntropyWithLogits(logits, pixels) + Beta * KlDivergence(mean, logVariance);
}
