using static GraphGen.Nn;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// A tiny causal transformer without LayerNorm (its device kernel is another family's): token and
/// position embeddings, causal multi-head attention with dropout on its output, a second attention
/// written out by hand (Kᵀ by Transpose, a plain softmax), a GELU MLP, and a per-position
/// cross-entropy that skips padding (label −1). Between them its steps call every kernel of the
/// attention, embedding and dropout families.
/// </summary>
[Network]
public partial class TinyCausalTransformer
{
    public const int Vocabulary = 7, Tokens = 5, Width = 8, Heads = 2;

    [Forward]
    Tensor Forward([Shape(Tokens)] Tensor ids)
    {
        var h = PositionalEmbedding(Embedding(ids, Vocabulary, Width, "embed"), "pos");
        var a = h + Dropout(MultiHeadAttention(h, Heads, "attn", causal: true), 0.25f);
        var q = SplitHeads(Dense(a, Width, "mix.query"), Heads);
        var kT = Transpose(SplitHeads(Dense(a, Width, "mix.key"), Heads));          // [heads, head size, T]
        var v = SplitHeads(Dense(a, Width, "mix.value"), Heads);
        var weights = Softmax(MatMul(q, kT) * 0.5f);                                 // every token sees every token
        var b = a + MergeHeads(MatMul(weights, v));
        var m = b + Dense(Gelu(Dense(b, 12, "up")), Width, "down");
        return Dense(m, Vocabulary, "head");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(Vocabulary), Shape(Tokens)] Tensor next) => SoftmaxCrossEntropy(logits, next, ignoreLabel: -1);
}
