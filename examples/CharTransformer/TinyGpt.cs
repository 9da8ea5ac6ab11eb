using GraphGen;
using static GraphGen.Nn;

namespace GraphGen.Examples.CharTransformer;

/// <summary>
/// A character-level GPT: token and position embeddings, pre-norm transformer blocks of causal
/// multi-head self-attention and a GELU MLP, each added to a residual stream, and a linear head
/// predicting the next character at every position.
/// </summary>
[Network]
public partial class TinyGpt
{
    public const int Context = 64, Width = 128, Heads = 4, Layers = 2, Vocabulary = 96;
    const float Scale = 0.17677669f;   // 1/√(head size 32): keeps attention logits near unit scale

    /// <summary>One block: x + Attention(LayerNorm(x)), then + MLP(LayerNorm(x)).</summary>
    Tensor Block(Tensor x, string name)
    {
        var n = LayerNorm(x, name + ".ln1");
        var q = SplitHeads(Dense(n, Width, name + ".query"), Heads);
        var k = SplitHeads(Dense(n, Width, name + ".key"), Heads);
        var v = SplitHeads(Dense(n, Width, name + ".value"), Heads);
        var weights = Softmax(MatMul(q, k, transposeB: true) * Scale, causal: true);   // [heads, T, T]
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
