using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Bench.Networks;

/// <summary>
/// examples/CharTransformer's TinyGpt, layer for layer (as bench/peers builds it in PyTorch and
/// TorchSharp): token and position embeddings, two pre-norm blocks of causal 4-head self-attention
/// and an exact-GELU MLP, a final LayerNorm and a linear head over 96 symbols at each of 64 positions.
/// </summary>
[Network]
public partial class BenchTinyGpt
{
    public const int Context = 64, Width = 128, Heads = 4, Layers = 2, Vocabulary = 96;
    const float Scale = 0.17677669f;   // 1/√(head size 32)

    Tensor Block(Tensor x, string name)
    {
        var n = LayerNorm(x, name + ".ln1");
        var q = SplitHeads(Dense(n, Width, name + ".query"), Heads);
        var k = SplitHeads(Dense(n, Width, name + ".key"), Heads);
        var v = SplitHeads(Dense(n, Width, name + ".value"), Heads);
        var weights = Softmax(MatMul(q, k, transposeB: true) * Scale, causal: true);
        x = x + Dense(MergeHeads(MatMul(weights, v)), Width, name + ".proj");
        var hidden = Gelu(Dense(LayerNorm(x, name + ".ln2"), 4 * Width, name + ".up"));
        return x + Dense(hidden, Width, name + ".down");
    }

    [Forward]
    Tensor Forward([Shape(Context)] Tensor ids)
    {
        var x = PositionalEmbedding(Embedding(ids, Vocabulary, Width, "tokens"), "positions");
        for (int layer = 0; layer < Layers; layer++)
            x = Block(x, $"block{layer}");
        return Dense(LayerNorm(x, "final.ln"), Vocabulary, "head");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(Vocabulary), Shape(Context)] Tensor next) => SoftmaxCrossEntropy(logits, next);
}
