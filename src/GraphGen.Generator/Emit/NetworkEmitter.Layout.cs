using System.Globalization;
using System.Linq;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

internal sealed partial class NetworkEmitter
{
    /// <summary>The static Layout: sizes, the parameter and state tables, the stored activations and the memory plan.</summary>
    private void WriteLayout()
    {
        var graph = _plan.Graph;
        _w.Comment("Parameters: one arena, PyTorch names and layouts (a dense weight is [out, in]).");
        foreach (var line in SummaryWriter.ParameterLines(graph)) _w.Comment("  " + line);
        if (HasState)
        {
            _w.Line();
            _w.Comment("State: non-trainable tensors saved with the parameters (PyTorch calls them buffers).");
            foreach (var line in SummaryWriter.StateLines(graph)) _w.Comment("  " + line);
        }
        _w.Line();
        _w.Comment("Memory plan for activations and gradients.");
        foreach (var line in SummaryWriter.MemoryLines(_plan)) _w.Comment("  " + line);
        _w.Line($"/// <summary>What {_name} is at run time, fixed at compile time: sizes per sample, parameters, stored activations, the arena's width.</summary>");
        using (_w.Block("public static readonly global::GraphGen.NetworkLayout Layout = new()", "};"))
        {
            _w.Line($"Name = {CSharpText.Literal(_spec.ClassName)},");
            _w.Line($"InputShape = [{string.Join(", ", graph.Input!.Shape.Dimensions)}],");
            _w.Line($"OutputSizes = [{string.Join(", ", graph.Outputs.Select(o => o.Shape.Size))}],");
            _w.Line($"Outputs = [{string.Join(", ", _plan.Outputs.Select(Slice))}],");
            if (_trainable) _w.Line($"TargetSize = {graph.Target!.Shape.Size},");
            if (graph.TargetClasses > 0) _w.Line($"ClassCount = {graph.TargetClasses},");
            if (graph.IgnoredLabel is { } ignored) _w.Line($"IgnoredLabel = {ignored.ToString(CultureInfo.InvariantCulture)},");
            WriteTable("Parameters", graph.Parameters);
            if (HasState) WriteTable("State", graph.State);
            var observed = ObservedBuffers();
            if (observed.Count > 0)
            {
                _w.Line("Activations =");
                _w.Line("[");
                using (_w.Indent())
                    foreach (var b in observed)
                        _w.Line($"new({CSharpText.Literal(b.Name)}, {CSharpText.Literal(SummaryWriter.OpName(b.Node))}, [{string.Join(", ", b.Node.Shape.Dimensions)}]),");
                _w.Line("],");
            }
            _w.Line($"ArenaWidth = {_plan.ArenaWidth},");
            if (_plan.FixedSize > 0) _w.Line($"FixedSize = {_plan.FixedSize},");
            if (graph.InputGradient && _plan.InputGradient is { } dx) _w.Line($"InputGradient = {Slice(dx)},");
            if (IsStochastic) _w.Line("Stochastic = true,");
        }
        _w.Line();
    }

    private void WriteTable(string property, System.Collections.Generic.List<Graphs.GraphParameter> parameters)
    {
        if (parameters.Count == 0)
        {
            _w.Line($"{property} = new(),");
            return;
        }
        _w.Line($"{property} = new(");
        _w.Line("[");
        using (_w.Indent())
            foreach (var p in parameters)
                _w.Line($"new({CSharpText.Literal(p.Name)}, [{string.Join(", ", p.Shape)}], {p.Offset}, global::GraphGen.Init.{p.Init}, FanIn: {p.FanIn}, FanOut: {p.FanOut}),");
        _w.Line("]),");
    }

    /// <summary>Where an arena operand lies: new(offset, width).</summary>
    private string Slice(Operand operand)
    {
        var buffer = _plan.BufferOf(operand);
        return $"new({buffer.Offset}, {buffer.Width})";
    }

    /// <summary>Forward activations that an observer sees, in the order the forward pass stores them.</summary>
    private System.Collections.Generic.List<Buffer> ObservedBuffers() =>
        _plan.Forward.SelectMany(s => s.Writes).Where(o => o.Kind == OperandKind.Buffer).Select(_plan.BufferOf)
            .Where(b => b.Role == BufferRole.Activation).Distinct().ToList();

    private void WriteEagerBridge()
    {
        string eager = "global::GraphGen.Eager.IEagerNetwork";
        string tensor = "global::GraphGen.Tensor";
        _w.Comment("The eager reference interpreter runs the [Forward] and [Loss] methods above, unchanged.");
        _w.Line($"int[] {eager}.EagerInputShape => [{string.Join(", ", _plan.Graph.Input!.Shape.Dimensions)}];");
        string targetShape = _plan.Graph.Target is { } target ? string.Join(", ", target.Shape.Dimensions) : "";
        _w.Line($"int[] {eager}.EagerTargetShape => [{targetShape}];");
        // The bridge's parameters must not hide the user's methods it calls (a [Forward] method called "input").
        string forward = CSharpText.Identifier(_spec.Forward!.Name), loss = _trainable ? CSharpText.Identifier(_spec.Loss!.Name) : "";
        string Free(string wanted) => wanted == forward || wanted == loss ? wanted + "_" : wanted;
        string input = Free("input"), outputsName = Free("outputs"), targets = Free("targets");
        int outputs = _plan.Outputs.Count;
        if (outputs == 1)
            _w.Line($"{tensor}[] {eager}.EagerForward({tensor} {input}) => [{forward}({input})];");
        else
        {
            using (_w.Block($"{tensor}[] {eager}.EagerForward({tensor} {input})"))
            {
                _w.Line($"var {outputsName} = {forward}({input});");
                _w.Line("return [" + string.Join(", ", Enumerable.Range(1, outputs).Select(i => $"{outputsName}.Item" + i)) + "];");
            }
        }
        if (_trainable)
            _w.Line($"{tensor} {eager}.EagerLoss({tensor}[] {outputsName}, {tensor} {targets}) => {loss}({string.Concat(Enumerable.Range(0, outputs).Select(i => $"{outputsName}[{i}], "))}{targets});");
        else
            _w.Line($"{tensor} {eager}.EagerLoss({tensor}[] {outputsName}, {tensor} {targets}) => throw new global::System.InvalidOperationException({CSharpText.Literal(_spec.ClassName + " declares no [Loss] method.")});");
    }
}
