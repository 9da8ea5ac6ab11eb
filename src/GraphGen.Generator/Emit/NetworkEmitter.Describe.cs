using System.Linq;
using GraphGen.Generator.Graphs;

namespace GraphGen.Generator.Emit;

internal sealed partial class NetworkEmitter
{
    private void WriteTables()
    {
        _w.Comment("Parameters: one arena, PyTorch names and layouts (a dense weight is [out, in]).");
        foreach (var line in SummaryWriter.ParameterLines(_plan.Graph)) _w.Comment("  " + line);
        _w.Line("/// <summary>The parameters: names, PyTorch layouts, offsets and initialisation.</summary>");
        if (_plan.Graph.Parameters.Count == 0)
            _w.Line("public static readonly global::GraphGen.ParameterTable ParameterTable = new();");
        else
        {
            _w.Line("public static readonly global::GraphGen.ParameterTable ParameterTable = new(");
            _w.Line("[");
            using (_w.Indent())
            {
                foreach (var p in _plan.Graph.Parameters)
                {
                    string shape = "[" + string.Join(", ", p.Shape) + "]";
                    _w.Line($"new(\"{p.Name}\", {shape}, {p.Offset}, global::GraphGen.Init.{p.Init}, FanIn: {p.FanIn}, FanOut: {p.FanOut}),");
                }
            }
            _w.Line("]);");
        }
        if (HasState)
        {
            _w.Comment("State: non-trainable tensors saved with the parameters (PyTorch calls them buffers).");
            foreach (var line in SummaryWriter.StateLines(_plan.Graph)) _w.Comment("  " + line);
            _w.Line("/// <summary>The non-trainable state tensors: names, shapes and offsets into <see cref=\"State\"/>.</summary>");
            _w.Line("public static readonly global::GraphGen.ParameterTable StateTable = new(");
            _w.Line("[");
            using (_w.Indent())
            {
                foreach (var p in _plan.Graph.State)
                    _w.Line($"new(\"{p.Name}\", [{string.Join(", ", p.Shape)}], {p.Offset}, global::GraphGen.Init.{p.Init}, FanIn: {p.FanIn}, FanOut: {p.FanOut}),");
            }
            _w.Line("]);");
        }
        _w.Line();
        _w.Line("/// <summary>The activations the forward pass stores, in order: what an <see cref=\"global::GraphGen.IActivationObserver\"/> sees.</summary>");
        _w.Line("public static readonly global::GraphGen.TensorInfo[] ActivationTable =");
        _w.Line("[");
        using (_w.Indent())
        {
            foreach (var b in ObservedBuffers())
                _w.Line($"new(\"{b.Name}\", \"{SummaryWriter.OpName(b.Node).Replace("\"", "\\\"")}\", [{string.Join(", ", b.Node.Shape.Dimensions)}]),");
        }
        _w.Line("];");
        _w.Line();
        _w.Comment("Memory plan for activations and gradients.");
        foreach (var line in SummaryWriter.MemoryLines(_plan)) _w.Comment("  " + line);
        _w.Line();
    }

    private void WriteEagerBridge()
    {
        string eager = "global::GraphGen.Eager.IEagerNetwork";
        string tensor = "global::GraphGen.Tensor";
        _w.Comment("The eager reference interpreter runs the [Forward] and [Loss] methods above, unchanged.");
        _w.Line($"int[] {eager}.EagerInputShape => [{string.Join(", ", _plan.Graph.Input!.Shape.Dimensions)}];");
        string targetShape = _plan.Graph.Target is { } target ? string.Join(", ", target.Shape.Dimensions) : "";
        _w.Line($"int[] {eager}.EagerTargetShape => [{targetShape}];");
        int outputs = _plan.Outputs.Count;
        if (outputs == 1)
            _w.Line($"{tensor}[] {eager}.EagerForward({tensor} input) => [{_spec.Forward!.Name}(input)];");
        else
        {
            using (_w.Block($"{tensor}[] {eager}.EagerForward({tensor} input)"))
            {
                _w.Line($"var outputs = {_spec.Forward!.Name}(input);");
                _w.Line("return [" + string.Join(", ", Enumerable.Range(1, outputs).Select(i => "outputs.Item" + i)) + "];");
            }
        }
        if (_trainable)
            _w.Line($"{tensor} {eager}.EagerLoss({tensor}[] outputs, {tensor} targets) => {_spec.Loss!.Name}({string.Concat(Enumerable.Range(0, outputs).Select(i => $"outputs[{i}], "))}targets);");
        else
            _w.Line($"{tensor} {eager}.EagerLoss({tensor}[] outputs, {tensor} targets) => throw new global::System.InvalidOperationException(\"{_name} declares no [Loss] method.\");");
        _w.Line();
    }

    private void WriteDescriptions()
    {
        _w.Line("/// <summary>Layer-by-layer summary: output shapes and parameter counts.</summary>");
        RawString("public const string Summary", SummaryWriter.SummaryLines(_plan));
        _w.Line();
        _w.Line("/// <summary>Graphviz DOT text of the forward graph (render with: dot -Tsvg).</summary>");
        RawString("public const string ForwardGraphDot", DotWriter.Forward(_plan, _name).TrimEnd('\n', '\r').Split('\n'));
        _w.Line();
        _w.Line("/// <summary>Mermaid flowchart of the forward graph (renders on GitHub in a ```mermaid block).</summary>");
        RawString("public const string ForwardGraphMermaid", MermaidWriter.Forward(_plan).TrimEnd('\n').Split('\n'));
        if (_trainable)
        {
            _w.Line();
            _w.Line("/// <summary>Mermaid flowchart of the backward graph: each step, the gradients between them, and (dotted) the forward op it differentiates.</summary>");
            RawString("public const string BackwardGraphMermaid", MermaidWriter.Backward(_plan).TrimEnd('\n').Split('\n'));
            _w.Line();
            _w.Line("/// <summary>Graphviz DOT text of the backward graph: each step, the gradients between them, and the forward op it differentiates.</summary>");
            RawString("public const string BackwardGraphDot", DotWriter.Backward(_plan, _name).TrimEnd('\n', '\r').Split('\n'));
        }
    }

    private void RawString(string declaration, System.Collections.Generic.IEnumerable<string> lines)
    {
        _w.Line(declaration + " = \"\"\"\"");
        foreach (var line in lines) _w.Line("    " + line.TrimEnd('\r'));
        _w.Line("    \"\"\"\";");
    }
}
