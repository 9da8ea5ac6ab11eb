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
        foreach (var activation in ActivationOp.All) Register(activation, activation.Kind);
        Register(new SoftmaxOp(), OpKind.Softmax);
        Register(new ConcatOp(), OpKind.Concat);
        Register(new ReduceOp(OpKind.Sum), OpKind.Sum);
        Register(new ReduceOp(OpKind.Mean), OpKind.Mean);
        foreach (var loss in LossOp.All) Register(loss, loss.Kind);
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

    public static OpRule For(OpKind kind) => ByKind[kind];
}
