using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

/// <summary>
/// Writes the generated <c>BuildOnnx</c>: for each forward node that an output depends on, the
/// ONNX nodes its rule gives (<see cref="Ops.OpRule.Onnx"/>), as calls on the runtime's
/// <c>GraphGen.Onnx.OnnxGraphBuilder</c>. ONNX tensors carry the batch as their first dimension;
/// a node's ONNX name is its C# name (unique in the network), a parameter's its table name
/// ("hidden.weight": the runtime makes it an initializer), and a rule's intermediate tensors get
/// fresh names from <see cref="Temp"/>.
/// </summary>
internal sealed class OnnxEmitter
{
    private const string Attribute = "global::GraphGen.Onnx.OnnxAttribute.Of";
    private readonly CodeWriter _w;
    private readonly HashSet<string> _names = new(System.StringComparer.Ordinal);

    private OnnxEmitter(CodeWriter writer, Graph graph)
    {
        _w = writer;
        InputName = graph.Input!.Name;
        foreach (var node in graph.Nodes) _names.Add(node.Name);
    }

    /// <summary>The graph input's name (ops that need the batch size read its shape).</summary>
    public string InputName { get; }

    /// <summary>The permutation of <paramref name="rank"/> axes that swaps the last two.</summary>
    public static long[] SwapLastTwo(int rank)
    {
        var perm = Enumerable.Range(0, rank).Select(a => (long)a).ToArray();
        (perm[rank - 2], perm[rank - 1]) = (perm[rank - 1], perm[rank - 2]);
        return perm;
    }

    /// <summary>
    /// The body of BuildOnnx for <paramref name="graph"/> into <paramref name="writer"/>; false when a
    /// node has no ONNX form (<paramref name="unsupported"/> says which; discard what was written).
    /// </summary>
    public static bool TryWrite(CodeWriter writer, Graph graph, out string unsupported)
    {
        unsupported = "";
        var needed = Ancestors(graph);
        var onnx = new OnnxEmitter(writer, graph);
        var input = graph.Input!;
        writer.Line($"onnx.Input({CSharpText.Literal(input.Name)}{Dims(input.Shape)});");
        foreach (var node in graph.Nodes.Where(needed.Contains))
        {
            if (node.Kind is OpKind.Input) continue;
            var rule = Ops.OpCatalog.For(node);
            writer.Comment(rule.Describe(node).Split('\n')[0]);
            try
            {
                rule.Onnx(node, onnx);
            }
            catch (NoOnnxFormException)
            {
                unsupported = $"{node.Kind} ('{node.Name}')";
                return false;
            }
        }
        foreach (var output in graph.Outputs)
            writer.Line($"onnx.Output({CSharpText.Literal(output.Name)}{Dims(output.Shape)});");
        return true;
    }

    /// <summary>The nodes the outputs depend on (losses, targets and what only they read are not part of inference).</summary>
    private static HashSet<Node> Ancestors(Graph graph)
    {
        var seen = new HashSet<Node>();
        var stack = new Stack<Node>(graph.Outputs);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!seen.Add(node)) continue;
            foreach (var input in node.Inputs) stack.Push(input);
        }
        return seen;
    }

    /// <summary>A fresh name for an intermediate tensor of <paramref name="node"/>'s ONNX form.</summary>
    public string Temp(Node node, string what)
    {
        string name = $"{node.Name}_{what}";
        for (int i = 2; !_names.Add(name); i++) name = $"{node.Name}_{what}{i}";
        return name;
    }

    /// <summary>onnx.Node(opType, inputs, outputs, attributes); returns the first output.</summary>
    public string Node(string opType, string[] inputs, string output, params string[] attributes)
    {
        string attrs = attributes.Length == 0 ? "" : ", " + string.Join(", ", attributes);
        _w.Line($"onnx.Node({CSharpText.Literal(opType)}, new[] {{ {string.Join(", ", inputs.Select(CSharpText.Literal))} }}, new[] {{ {CSharpText.Literal(output)} }}{attrs});");
        return output;
    }

    /// <summary>An INT attribute, as C#.</summary>
    public static string Int(string name, long value) => $"{Attribute}({CSharpText.Literal(name)}, {value.ToString(CultureInfo.InvariantCulture)}L)";

    /// <summary>A FLOAT attribute, as C#.</summary>
    public static string Float(string name, double value) => $"{Attribute}({CSharpText.Literal(name)}, {MapConstant.FloatLiteral(value)})";

    /// <summary>An INTS attribute, as C#.</summary>
    public static string Ints(string name, params long[] values) =>
        $"{Attribute}({CSharpText.Literal(name)}, new long[] {{ {string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture) + "L"))} }})";

    /// <summary>An int64 constant of shape [n] (a Reshape's target, a Gather's index); returns its name.</summary>
    public string Int64s(Node node, string what, params long[] values)
    {
        string name = Temp(node, what);
        _w.Line($"onnx.Int64s({CSharpText.Literal(name)}{string.Concat(values.Select(v => ", " + v.ToString(CultureInfo.InvariantCulture) + "L"))});");
        return name;
    }

    /// <summary>A float constant of shape <paramref name="dims"/>; returns its name.</summary>
    public string Floats(Node node, string what, long[] dims, params double[] values)
    {
        string name = Temp(node, what);
        string dimensions = dims.Length == 0 ? "global::System.Array.Empty<long>()" : $"new long[] {{ {string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture) + "L"))} }}";
        _w.Line($"onnx.Floats({CSharpText.Literal(name)}, {dimensions}{string.Concat(values.Select(v => ", " + MapConstant.FloatLiteral(v)))});");
        return name;
    }

    /// <summary>The causal mask [t, t] (0 on and below the diagonal, −∞ above), made by the builder.</summary>
    public string CausalMask(Node node, int tokens)
    {
        string name = Temp(node, "mask");
        _w.Line($"onnx.CausalMask({CSharpText.Literal(name)}, {tokens.ToString(CultureInfo.InvariantCulture)});");
        return name;
    }

    /// <summary>A float scalar constant (shape []): broadcasts against anything.</summary>
    public string Scalar(Node node, string what, double value) => Floats(node, what, [], value);

    /// <summary>x reshaped to [batch, <paramref name="shape"/>...] (Reshape's 0 keeps the batch).</summary>
    public string Reshape(Node node, string x, TensorShape shape, string output)
    {
        var target = Int64s(node, "shape", new long[] { 0 }.Concat(shape.Dimensions.Select(d => (long)d)).ToArray());
        return Node("Reshape", [x, target], output);
    }

    /// <summary>
    /// <paramref name="x"/> made broadcastable against a tensor of rank <paramref name="rank"/>: GraphGen
    /// broadcasts a per-sample [1] operand over a whole sample, ONNX aligns shapes from the right, so a
    /// [batch, 1] operand becomes [batch, 1, ..., 1].
    /// </summary>
    public string Broadcastable(Node node, Node x, int rank)
    {
        if (x.Shape.Rank >= rank) return x.Name;
        var axes = Int64s(node, "axes", Enumerable.Range(x.Shape.Rank + 1, rank - x.Shape.Rank).Select(a => (long)a).ToArray());
        return Node("Unsqueeze", [x.Name, axes], Temp(node, x.Name));
    }

    private static string Dims(TensorShape shape) => string.Concat(shape.Dimensions.Select(d => ", " + d.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>Thrown by an op rule that has no ONNX form; <see cref="OnnxEmitter.TryWrite"/> turns it into a NotSupportedException in the generated BuildOnnx.</summary>
internal sealed class NoOnnxFormException : System.Exception
{
}
