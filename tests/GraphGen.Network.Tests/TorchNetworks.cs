using static GraphGen.Nn;

namespace GraphGen.Network.Tests;

/// <summary>
/// The network of Fixtures/make_torch_network_fixture.py, layer for layer and name for name, so
/// that PyTorch's parameters load into it by name: convolution, ReLU, max pooling (its ReLU′ fused
/// into the pooling backward), a strided convolution without bias, BatchNorm in training mode,
/// global average pooling, a linear head and cross-entropy.
/// </summary>
[Network]
public partial class TorchCnn
{
    [Forward]
    Tensor Forward([Shape(1, 8, 8)] Tensor image)
    {
        var c1 = Relu(Conv2d(image, 4, kernel: 3, name: "conv1", padding: 1));                                       // 4×8×8
        var p1 = MaxPool2d(c1, kernel: 2);                                                                            // 4×4×4
        var c2 = Relu(BatchNorm(Conv2d(p1, 8, kernel: 3, name: "conv2", stride: 2, padding: 1, bias: false), "bn")); // 8×2×2
        return Dense(GlobalAveragePool(c2), 5, name: "head");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(5)] Tensor y) => SoftmaxCrossEntropy(logits, y);
}

/// <summary>
/// The TinyGptTorch of Fixtures/make_torch_network_fixture.py, name for name: token and
/// positional embeddings, pre-norm causal multi-head attention, a GELU MLP, LayerNorm, and a
/// per-position cross-entropy that skips padding (label −1, PyTorch's ignore_index).
/// </summary>
[Network]
public partial class TinyGptTorch
{
    public const int Vocabulary = 11, Tokens = 6, Width = 8;

    [Forward]
    Tensor Forward([Shape(Tokens)] Tensor ids)
    {
        var h = PositionalEmbedding(Embedding(ids, Vocabulary, Width, "embed"), "pos");
        var a = h + MultiHeadAttention(LayerNorm(h, "ln1"), heads: 2, "attn", causal: true);
        var m = a + Dense(Gelu(Dense(LayerNorm(a, "ln2"), 16, "up")), Width, "down");
        return Dense(LayerNorm(m, "ln3"), Vocabulary, "head");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(Vocabulary), Shape(Tokens)] Tensor next) => SoftmaxCrossEntropy(logits, next, ignoreLabel: -1);
}
