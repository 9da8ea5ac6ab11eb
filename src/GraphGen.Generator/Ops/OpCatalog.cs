using System.Collections.Generic;
using System.Linq;
using GraphGen.Generator.Graphs;

namespace GraphGen.Generator.Ops;

/// <summary>The table of ops: by the name users call, and by graph node kind.</summary>
internal static class OpCatalog
{
    private static readonly Dictionary<string, OpRule> ByName = new(System.StringComparer.Ordinal);
    private static readonly Dictionary<OpKind, OpRule> ByKind = [];

    static OpCatalog()
    {
        Register(new DenseOp(), OpKind.Dense);
        foreach (var activation in ActivationOp.All) ByName[activation.Name] = activation;
        Register(new SoftmaxOp(), OpKind.Softmax);
        Register(new ConcatOp(), OpKind.Concat);
        Register(new ReduceOp(OpKind.Sum), OpKind.Sum);
        Register(new ReduceOp(OpKind.Mean), OpKind.Mean);
        foreach (var loss in LossOp.All) Register(loss, loss.Kind);
        Register(new ZerosOp(), OpKind.Zeros);
        Register(new ReshapeOp(OpKind.Flatten), OpKind.Flatten);
        Register(new ReshapeOp(OpKind.Reshape), OpKind.Reshape);
        Register(new TransposeOp(), OpKind.Transpose);
        Register(new HeadsOp(OpKind.SplitHeads), OpKind.SplitHeads);
        Register(new HeadsOp(OpKind.MergeHeads), OpKind.MergeHeads);
        Register(new MatMulOp(), OpKind.MatMul);
        Register(new EmbeddingOp(), OpKind.Embedding);
        Register(new PositionalEmbeddingOp(), OpKind.PositionalEmbedding);
        Register(new NormalizationOp(OpKind.LayerNorm), OpKind.LayerNorm);
        Register(new NormalizationOp(OpKind.BatchNorm), OpKind.BatchNorm);
        Register(new DropoutOp(), OpKind.Dropout);
        Register(new Conv2dOp(), OpKind.Conv2d);
        Register(new PoolOp(OpKind.MaxPool2d), OpKind.MaxPool2d);
        Register(new PoolOp(OpKind.AvgPool2d), OpKind.AvgPool2d);
        Register(new PoolOp(OpKind.GlobalAveragePool), OpKind.GlobalAveragePool);
        Register(new StackOp(), OpKind.Stack);
        Register(new UnstackOp(), OpKind.Select);
        Register(new SampleOp(), OpKind.Sample);
        Register(new KlDivergenceOp(), OpKind.KlDivergence);
        // Composite ops: expanded into primitives while the graph is built, so they have no node kind.
        foreach (var composite in new OpRule[] { new ScaledDotProductAttentionOp(), new MultiHeadAttentionOp() })
            ByName[composite.Name] = composite;
        var arithmetic = new ArithmeticOp();
        foreach (var kind in new[] { OpKind.Add, OpKind.Subtract, OpKind.Multiply, OpKind.Divide, OpKind.Affine })
            ByKind[kind] = arithmetic;
    }

    private static void Register(OpRule rule, OpKind kind)
    {
        ByName[rule.Name] = rule;
        ByKind[kind] = rule;
    }

    /// <summary>The op names users can call, sorted.</summary>
    public static IEnumerable<string> Names => ByName.Keys.OrderBy(n => n, System.StringComparer.Ordinal);

    public static bool IsKnown(string name) => ByName.ContainsKey(name);

    public static bool TryGet(string name, out OpRule rule) => ByName.TryGetValue(name, out rule!);

    /// <summary>The rule of a node: its activation's own rule for an activation, else the rule of its kind.</summary>
    public static OpRule For(Node node) => node.Attributes is ActivationAttributes activation ? activation.Rule : ByKind[node.Kind];
}
