using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GraphGen.Peers;

/// <summary>
/// examples/CharTransformer's TinyGpt in TorchSharp (as bench/peers/networks.py's TinyGpt): token and
/// learned position embeddings, pre-norm blocks of causal 4-head attention and an exact-GELU MLP, a
/// final LayerNorm and a linear head; int64 ids [b, 64] in, logits [b, 64, 96] out.
/// </summary>
public sealed class TinyGptModule : Module<Tensor, Tensor>
{
    /// <summary>Context length, residual width, heads, blocks and vocabulary of examples/CharTransformer.</summary>
    public const int Context = 64, Width = 128, Heads = 4, Layers = 2, Vocabulary = 96;

    private readonly Embedding tokens;
    private readonly Parameter positions;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm final;
    private readonly Linear head;

    public TinyGptModule() : base("tiny-gpt")
    {
        tokens = Embedding(Vocabulary, Width);
        positions = new Parameter(randn(Context, Width) * 0.02);
        blocks = new ModuleList<Block>(Enumerable.Range(0, Layers).Select(_ => new Block()).ToArray());
        final = LayerNorm(Width);
        head = Linear(Width, Vocabulary);
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        var x = tokens.forward(ids) + positions;
        foreach (var block in blocks) x = block.forward(x);
        return head.forward(final.forward(x));
    }

    /// <summary>x + proj(causal attention(LN(x))), then x + down(GELU(up(LN(x)))).</summary>
    public sealed class Block : Module<Tensor, Tensor>
    {
        private const int HeadSize = Width / Heads;
        private readonly LayerNorm ln1 = LayerNorm(Width), ln2 = LayerNorm(Width);
        private readonly Linear query = Linear(Width, Width), key = Linear(Width, Width), value = Linear(Width, Width), proj = Linear(Width, Width);
        private readonly Linear up = Linear(Width, 4 * Width), down = Linear(4 * Width, Width);
        private readonly Tensor mask = full(Context, Context, double.NegativeInfinity).triu(1);

        public Block() : base("block")
        {
            RegisterComponents();
        }

        private static Tensor Split(Tensor h) => h.view(h.shape[0], Context, Heads, HeadSize).transpose(1, 2);

        public override Tensor forward(Tensor x)
        {
            var n = ln1.forward(x);
            var q = Split(query.forward(n));
            var k = Split(key.forward(n));
            var v = Split(value.forward(n));
            var scores = q.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(HeadSize)) + mask;
            var attended = functional.softmax(scores, -1).matmul(v).transpose(1, 2).reshape(x.shape);
            x = x + proj.forward(attended);
            return x + down.forward(functional.gelu(up.forward(ln2.forward(x))));
        }
    }
}
