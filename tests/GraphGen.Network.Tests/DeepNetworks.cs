using static GraphGen.Nn;

namespace GraphGen.Network.Tests;

// Networks for the ops of CNNs, normalisation, attention, recurrence and VAEs.

/// <summary>Convolutions (padding, stride, dilation, groups), max and average pooling, global pooling, flatten.</summary>
[Network]
public partial class ConvNet
{
    [Forward]
    Tensor Forward([Shape(64)] Tensor x)
    {
        var image = Reshape(x, 1, 8, 8);
        var c1 = Relu(Conv2d(image, 4, kernel: 3, name: "conv1", padding: 1));
        var p1 = MaxPool2d(c1, kernel: 2);                                              // 4×4×4
        var c2 = Tanh(Conv2d(p1, 6, kernel: 3, name: "conv2", padding: 2, dilation: 2, groups: 2)); // 6×4×4
        var c3 = Conv2d(c2, 6, kernel: 2, name: "conv3", stride: 2, bias: false);       // 6×2×2
        var a = AvgPool2d(c2, kernel: 2);                                               // 6×2×2
        var both = Concat(Flatten(c3), Flatten(a), GlobalAveragePool(c1));
        return Dense(both, 5, "head");
    }

    [Loss]
    Tensor Loss(Tensor z, [Labels(5)] Tensor y) => SoftmaxCrossEntropy(z, y);
}

/// <summary>
/// ReLU and leaky ReLU each read only by a max pooling: the generator fuses their derivatives into
/// the pooling backward (overlapping windows in the second, so a pixel can win twice).
/// </summary>
[Network]
public partial class PoolNet
{
    [Forward]
    Tensor Forward([Shape(2, 8, 8)] Tensor image)
    {
        var c1 = Relu(Conv2d(image, 3, kernel: 3, name: "conv1", padding: 1));                 // 3×8×8
        var p1 = MaxPool2d(c1, kernel: 2);                                                      // 3×4×4
        var c2 = LeakyRelu(Conv2d(p1, 4, kernel: 3, name: "conv2", padding: 1), slope: 0.1f);  // 4×4×4
        var p2 = MaxPool2d(c2, kernel: 3, stride: 1, padding: 1);                               // 4×4×4, overlapping
        return Dense(Flatten(p2), 3, "head");
    }

    [Loss]
    Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
}

/// <summary>Batch and layer normalisation, and dropout.</summary>
[Network]
public partial class NormNet
{
    [Forward]
    Tensor Forward([Shape(6)] Tensor x)
    {
        var h = Relu(BatchNorm(Dense(x, 8, "fc1"), "bn1"));
        h = Dropout(h, 0.25f);
        var image = Reshape(Dense(h, 12, "fc2"), 3, 2, 2);
        var normed = Flatten(BatchNorm(image, "bn2", momentum: 0.2f));
        return Dense(LayerNorm(normed, "ln"), 3, "head");
    }

    [Loss]
    Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
}

/// <summary>A tiny causal transformer block over token ids, with per-position labels.</summary>
[Network]
public partial class TinyTransformer
{
    const int Tokens = 5, Width = 8, Heads = 2, Vocabulary = 7;

    [Forward]
    Tensor Forward([Shape(Tokens)] Tensor ids)
    {
        var h = PositionalEmbedding(Embedding(ids, Vocabulary, Width, "tokens"), "positions");
        var n = LayerNorm(h, "ln1");
        var q = SplitHeads(Dense(n, Width, "q"), Heads);
        var k = SplitHeads(Dense(n, Width, "k"), Heads);
        var v = SplitHeads(Dense(n, Width, "v"), Heads);
        var scores = MatMul(q, Transpose(k)) * 0.5f;                        // 1/√(head size 4)
        var attention = MatMul(Softmax(scores, causal: true), v);
        h = h + Dense(MergeHeads(attention), Width, "proj");
        var mlp = Dense(Gelu(Dense(LayerNorm(h, "ln2"), 16, "up")), Width, "down");
        h = h + mlp;
        return Dense(h, Vocabulary, "logits");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(Vocabulary), Shape(Tokens)] Tensor next) => SoftmaxCrossEntropy(logits, next);
}

/// <summary>An Elman RNN unrolled over 4 steps: one set of weights shared through time.</summary>
[Network]
public partial class TinyRnn
{
    const int Steps = 4, Hidden = 5;

    [Forward]
    Tensor Forward([Shape(Steps, 3)] Tensor x)
    {
        var inputs = Unstack(x);
        var outputs = new Tensor[Steps];
        var h = Tanh(Dense(inputs[0], Hidden, "ih"));
        outputs[0] = h;
        for (int t = 1; t < Steps; t++)
        {
            h = Tanh(Dense(inputs[t], Hidden, "ih", share: true) + Dense(h, Hidden, "hh", bias: false));
            outputs[t] = h;
        }
        return Dense(Stack(outputs), 2, "out");
    }

    [Loss]
    Tensor Loss(Tensor p, [Shape(Steps, 2)] Tensor t) => MeanSquaredError(p, t);
}

/// <summary>A variational autoencoder: several outputs, reparameterised sampling, the KL term.</summary>
[Network]
public partial class TinyVae
{
    [Forward]
    (Tensor Reconstruction, Tensor Mean, Tensor LogVariance) Forward([Shape(6)] Tensor x)
    {
        var h = Relu(Dense(x, 8, "encoder"));
        var mean = Dense(h, 2, "mean");
        var logVariance = Dense(h, 2, "logvar");
        var z = Sample(mean, logVariance);
        return (Dense(Relu(Dense(z, 8, "decoder")), 6, "reconstruction"), mean, logVariance);
    }

    [Loss]
    Tensor Loss(Tensor reconstruction, Tensor mean, Tensor logVariance, [Shape(6)] Tensor x) =>
        6f * BinaryCrossEntropyWithLogits(reconstruction, x) + KlDivergence(mean, logVariance);
}

/// <summary>Every transpose form of MatMul, and its gradients.</summary>
[Network]
public partial class MatMulForms
{
    [Forward]
    Tensor Forward([Shape(12)] Tensor x)
    {
        var a = Reshape(Dense(x, 12, "a"), 3, 4);
        var b = Reshape(Dense(x, 15, "b"), 3, 5);
        var c = Reshape(Dense(x, 20, "c"), 4, 5);
        var ab = MatMul(a, b, transposeA: true);                   // [4, 5]
        var cb = MatMul(c, b, transposeB: true);                   // [4, 3]
        var bothT = MatMul(cb, a, transposeA: true, transposeB: true);   // [3, 3]
        var other = MatMul(a, cb, transposeA: true, transposeB: true);   // [4, 4]
        return Concat(Flatten(ab), Flatten(MatMul(cb, a)), Flatten(bothT), Flatten(other));
    }

    [Loss]
    Tensor Loss(Tensor p, [Shape(61)] Tensor t) => MeanSquaredError(p, t);
}

/// <summary>A GRU over 3 steps from a zero state: every step is the same code, so the weights are shared through time.</summary>
[Network]
public partial class TinyGru
{
    const int Steps = 3, Hidden = 4;

    [Forward]
    Tensor Forward([Shape(Steps, 2)] Tensor x)
    {
        var inputs = Unstack(x);
        var h = Zeros(x, Hidden);
        var outputs = new Tensor[Steps];
        for (int t = 0; t < Steps; t++)
        {
            var z = Sigmoid(Dense(inputs[t], Hidden, "xz") + Dense(h, Hidden, "hz", bias: false));
            var r = Sigmoid(Dense(inputs[t], Hidden, "xr") + Dense(h, Hidden, "hr", bias: false));
            var n = Tanh(Dense(inputs[t], Hidden, "xn") + r * Dense(h, Hidden, "hn"));
            h = (1f - z) * n + z * h;
            outputs[t] = h;
        }
        return Dense(Stack(outputs), 3, "out");
    }

    [Loss]
    // Label -1 marks padding after a sequence's end: skipped by the loss (the tests pad some positions).
    Tensor Loss(Tensor logits, [Labels(3), Shape(Steps)] Tensor next) => SoftmaxCrossEntropy(logits, next, ignoreLabel: -1);
}

/// <summary>An Elman RNN whose loss reads only the last step, with the input gradient: BPTT must reach step 0.</summary>
[Network(InputGradient = true)]
public partial class LastStepRnn
{
    const int Steps = 6, Hidden = 4;

    [Forward]
    Tensor Forward([Shape(Steps, 2)] Tensor x)
    {
        var inputs = Unstack(x);
        var h = Zeros(x, Hidden);
        for (int t = 0; t < Steps; t++)
            h = Tanh(Dense(inputs[t], Hidden, "ih") + Dense(h, Hidden, "hh", bias: false));
        return Dense(h, 1, "out");
    }

    [Loss]
    Tensor Loss(Tensor p, [Shape(1)] Tensor t) => MeanSquaredError(p, t);
}

/// <summary>The composite attention ops: multi-head self-attention and scaled dot-product attention.</summary>
[Network]
public partial class AttentionOps
{
    [Forward]
    Tensor Forward([Shape(4, 6)] Tensor x)
    {
        var h = x + MultiHeadAttention(x, heads: 2, name: "attention", causal: true);
        var cross = ScaledDotProductAttention(h, x, Dense(x, 5, "values"));
        return Dense(Concat(h, cross), 3, "out");
    }

    [Loss]
    Tensor Loss(Tensor p, [Shape(4, 3)] Tensor t) => MeanSquaredError(p, t);
}

/// <summary>
/// Max pooling right after convolutions, as a ResNet stem has it (convolution, BatchNorm, ReLU, a
/// 3×3 pooling of stride 2 with padding) and as LeNet does (convolution with its bias and ReLU, 2×2
/// pooling): at inference the generator pools as each convolution writes (Conv2d.ForwardMaxPooled).
/// </summary>
[Network]
public partial class PooledStemNet
{
    [Forward]
    Tensor Forward([Shape(2, 12, 12)] Tensor image)
    {
        var stem = Relu(BatchNorm(Conv2d(image, 4, kernel: 3, name: "stem", padding: 1, bias: false), "stem.bn")); // 4×12×12
        var p1 = MaxPool2d(stem, kernel: 3, stride: 2, padding: 1);                                                 // 4×6×6
        var c2 = Relu(Conv2d(p1, 5, kernel: 3, name: "conv2", padding: 1));                                         // 5×6×6
        var p2 = MaxPool2d(c2, kernel: 2);                                                                          // 5×3×3
        return Dense(Flatten(p2), 3, "head");
    }

    [Loss]
    Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
}

/// <summary>
/// Residual block ends that inference computes as the convolutions write (Conv2d.ForwardResidual):
/// a block with BatchNorm and a ReLU after its sum, and a convolution whose output takes the skip
/// with nothing after it.
/// </summary>
[Network]
public partial class ResidualBlockNet
{
    [Forward]
    Tensor Forward([Shape(2, 8, 8)] Tensor image)
    {
        var stem = Relu(BatchNorm(Conv2d(image, 4, kernel: 3, name: "stem", padding: 1, bias: false), "stem.bn"));  // 4×8×8
        var f = Relu(BatchNorm(Conv2d(stem, 4, kernel: 3, name: "block.conv1", padding: 1, bias: false), "block.bn1"));
        f = BatchNorm(Conv2d(f, 4, kernel: 3, name: "block.conv2", padding: 1, bias: false), "block.bn2");
        var h = Relu(stem + f);                                                                                      // the block's end
        var g = Conv2d(h, 4, kernel: 3, name: "tail", padding: 1) + h;                                               // a skip alone
        return Dense(GlobalAveragePool(g), 3, "head");
    }

    [Loss]
    Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
}

/// <summary>
/// FashionResNet's shape at a small size: a pooled stem, a 16-channel residual block, a strided
/// 16→32 convolution onto rows of 3 (a register block wider than the row), a 32-channel residual
/// block and the global average pooling, so inference runs every step of the channel-blocked branch
/// where the machine has AVX-512 (ChannelBlocks.FromPlanes, Conv2d.ForwardBlocked and
/// ForwardResidualBlocked at both strides, Pool2d.GlobalAverageForwardBlocked).
/// </summary>
[Network]
public partial class ChannelBlockNet
{
    private static Tensor Block(Tensor h, int channels, string name)
    {
        var f = Relu(BatchNorm(Conv2d(h, channels, kernel: 3, name: name + ".conv1", padding: 1, bias: false), name + ".bn1"));
        f = BatchNorm(Conv2d(f, channels, kernel: 3, name: name + ".conv2", padding: 1, bias: false), name + ".bn2");
        return Relu(h + f);
    }

    [Forward]
    Tensor Forward([Shape(1, 12, 12)] Tensor image)
    {
        var h = MaxPool2d(Relu(BatchNorm(Conv2d(image, 16, kernel: 3, name: "stem", padding: 1, bias: false), "stem.bn")), 2);  // 16×6×6
        h = Block(h, 16, "stage1");
        h = Relu(BatchNorm(Conv2d(h, 32, kernel: 3, name: "down", stride: 2, padding: 1, bias: false), "down.bn"));         // 32×3×3
        h = Block(h, 32, "stage2");
        return Dense(GlobalAveragePool(h), 3, "head");
    }

    [Loss]
    Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
}
