using System.Collections.Generic;
using System.Linq;
using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Model;
using GraphGen.Generator.Ops;

namespace GraphGen.Generator.Graphs;

/// <summary>
/// Builds the static graph by interpreting the parsed [Forward] and [Loss] methods
/// symbolically: locals bind to graph nodes, loops with constant bounds unroll, helper
/// methods inline, and every op checks its shapes as it is added. Errors become diagnostics
/// on the user's spans; evaluation continues with an <see cref="ErrorValue"/> so one mistake
/// reports once.
/// </summary>
internal sealed partial class GraphBuilder
{
    private const int MaxInlineDepth = 32;
    private const int MaxUnrolledIterations = 4096;

    private readonly NetworkSpec _spec;
    private readonly Dictionary<string, MethodSpec> _helpers;
    private readonly List<LocationInfo> _inlineStack = [];
    private readonly List<DiagnosticInfo> _diagnostics = [];
    private string _role = "Forward";
    private bool _sawInvalidCode;

    public Graph Graph { get; } = new();

    private GraphBuilder(NetworkSpec spec)
    {
        _spec = spec;
        _helpers = spec.Helpers.ToDictionary(h => h.Name);
        Graph.InputGradient = spec.InputGradient;
    }

    public static (Graph Graph, List<DiagnosticInfo> Diagnostics) Build(NetworkSpec spec)
    {
        var builder = new GraphBuilder(spec);
        builder.BuildForward();
        if (builder.Graph.Output is not null && spec.Loss is not null) builder.BuildLoss(spec.Loss);
        if (builder._diagnostics.Count == 0)
        {
            var dropped = GraphFinisher.Finish(builder.Graph);
            // Code the compiler rejects cuts the graph short: warnings about what it then leaves unused would be noise.
            if (!builder._sawInvalidCode && builder.Graph.Output is not null)
            {
                builder.WarnAboutSharing();
                foreach (var layer in dropped) builder.WarnUnused(layer);
            }
        }
        return (builder.Graph, builder._diagnostics);
    }

    public void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    /// <summary>The identity of a call site, distinguishing inlined copies of a helper.</summary>
    public string CallSiteOf(LocationInfo location) =>
        string.Join(" < ", _inlineStack.Select(Describe).Concat(new[] { Describe(location) }));

    private static string Describe(LocationInfo l) => l.FilePath + ":" + l.Span.Start;

    public string Role => _role;

    private void BuildForward()
    {
        var forward = _spec.Forward;
        if (forward is null) return;
        var tensors = forward.Parameters.Where(p => p.Kind == ParameterKind.Tensor).ToList();
        foreach (var p in forward.Parameters.Where(p => p.Kind != ParameterKind.Tensor))
            Report(DiagnosticDescriptors.InvalidInput, p.Location, $"Parameter '{p.Name}' of the [Forward] method is a {p.TypeName}: the inputs of a network are Tensors with a [Shape]; make it a const field instead");
        if (tensors.Count != 1)
        {
            Report(DiagnosticDescriptors.InvalidInput, forward.Location, tensors.Count == 0
                ? "The [Forward] method needs one Tensor input with its per-sample shape, e.g. 'Tensor Forward([Shape(784)] Tensor x)'"
                : "The [Forward] method takes one Tensor input; concatenate several inputs into one and split them with ops inside the network");
            return;
        }
        var input = tensors[0];
        if (!input.HasShape || input.Shape.Count == 0)
        {
            Report(DiagnosticDescriptors.InvalidInput, input.Location, $"Input '{input.Name}' needs its per-sample shape: write '[Shape(784)] Tensor {input.Name}' (the batch dimension is implicit)");
            return;
        }
        if (input.Shape.Any(d => d <= 0))
        {
            Report(DiagnosticDescriptors.InvalidInput, input.Location, $"Input '{input.Name}' has shape [{string.Join(", ", input.Shape)}]: every dimension must be a positive constant");
            return;
        }
        if (new TensorShape(input.Shape).Elements > NetworkLimits.MaxFloats)
        {
            Report(DiagnosticDescriptors.NetworkTooLarge, input.Location,
                $"Input '{input.Name}' has shape [{string.Join(", ", input.Shape)}] = {NetworkLimits.Count(new TensorShape(input.Shape).Elements)} floats per sample, more than {NetworkLimits.FloatsLimitText}");
            return;
        }
        if (input.HasLabels)
            Report(DiagnosticDescriptors.InvalidInput, input.Location, $"[Labels] belongs on the target parameter of the [Loss] method, not on the input '{input.Name}'");

        var inputNode = Graph.Add(OpKind.Input, [], new TensorShape(input.Shape), input.Location);
        Name(inputNode, input.Name, 2);
        Graph.Input = inputNode;

        var env = new Dictionary<string, Value> { [input.Name] = new TensorValue(inputNode) };
        var result = Run(forward, env);
        switch (result)
        {
            case TensorValue { Node.Kind: OpKind.Input } same:
                Report(DiagnosticDescriptors.UnsupportedConstruct, forward.Location, "Returning the input unchanged", "Forward", "a network needs at least one op between its input and its output");
                break;
            case TensorValue { Node.Shape.IsScalar: false } output:
                Graph.Outputs.Add(output.Node);
                break;
            case TupleValue tuple when tuple.Items.All(i => i is TensorValue { Node.Shape.IsScalar: false }):
                Graph.Outputs.AddRange(tuple.Items.Select(i => ((TensorValue)i).Node));
                break;
            case TensorValue scalar:
                Report(DiagnosticDescriptors.InvalidLoss, scalar.Node.Location, "The [Forward] method returns a loss; return the network's output and compute the loss in a [Loss] method");
                break;
            case ErrorValue:
                break;
            case null:
                Report(DiagnosticDescriptors.UnsupportedConstruct, forward.Location, "A [Forward] method without a return", "Forward", "return the output tensor");
                break;
            default:
                Report(DiagnosticDescriptors.UnsupportedConstruct, forward.Location, "Returning " + result.Describe(), "Forward", "return the output tensor");
                break;
        }
    }

    private void BuildLoss(MethodSpec loss)
    {
        _role = "Loss";
        var parameters = loss.Parameters;
        int outputs = Graph.Outputs.Count;
        if (parameters.Count != outputs + 1 || parameters.Any(p => p.Kind != ParameterKind.Tensor))
        {
            Report(DiagnosticDescriptors.InvalidLoss, loss.Location, outputs == 1
                ? "The [Loss] method takes two Tensors: the [Forward] output and the targets, e.g. 'Tensor Loss(Tensor logits, [Labels(10)] Tensor y) => SoftmaxCrossEntropy(logits, y);'"
                : $"The [Loss] method takes {outputs + 1} Tensors: the {outputs} outputs [Forward] returns, in order, then the targets");
            return;
        }
        var target = parameters[outputs];
        if (TargetShape(target) is not { } targetShape) return;
        if (target.HasLabels) Graph.TargetClasses = target.LabelClasses;
        var targetNode = Graph.Add(OpKind.Target, [], targetShape, target.Location);
        Name(targetNode, target.Name, 2);
        Graph.Target = targetNode;

        var env = new Dictionary<string, Value> { [target.Name] = new TensorValue(targetNode) };
        for (int i = 0; i < outputs; i++) env[parameters[i].Name] = new TensorValue(Graph.Outputs[i]);
        var result = Run(loss, env);
        if (result is ErrorValue) return;
        if (result is not TensorValue { Node.Shape.IsScalar: true } scalar)
        {
            Report(DiagnosticDescriptors.InvalidLoss, loss.Location,
                "The [Loss] method must return a scalar loss: a loss function such as SoftmaxCrossEntropy(logits, y), or a sum of them scaled by constants");
            return;
        }
        LossCollector.Collect(this, scalar.Node, 1.0);
    }

    /// <summary>
    /// The per-sample shape of the [Loss] target: class indices with [Labels(n)] (one per sample, or
    /// per position with [Labels(n), Shape(T)] for a sequence model), real values with [Shape(...)];
    /// else a diagnostic and null.
    /// </summary>
    private TensorShape? TargetShape(ParameterSpec target)
    {
        if (target.HasShape && (target.Shape.Count == 0 || target.Shape.Any(d => d <= 0)))
        {
            Report(DiagnosticDescriptors.InvalidLoss, target.Location, target.Shape.Count == 0
                ? $"The target '{target.Name}' has an empty [Shape()]: give its per-sample dimensions, e.g. '[Shape(10)] Tensor {target.Name}' (the batch dimension is implicit)"
                : $"The target '{target.Name}' has shape [{string.Join(", ", target.Shape)}]: every dimension must be a positive constant");
            return null;
        }
        var shape = target.HasShape ? new TensorShape(target.Shape) : TensorShape.Of(1);
        if (shape.Elements > NetworkLimits.MaxFloats)
        {
            Report(DiagnosticDescriptors.NetworkTooLarge, target.Location,
                $"The target '{target.Name}' has shape {shape} = {NetworkLimits.Count(shape.Elements)} floats per sample, more than {NetworkLimits.FloatsLimitText}");
            return null;
        }
        if (target.HasLabels)
        {
            if (target.LabelClasses >= 1) return shape;
            Report(DiagnosticDescriptors.InvalidLoss, target.Location,
                $"[Labels({target.LabelClasses.ToString(System.Globalization.CultureInfo.InvariantCulture)})] on the target '{target.Name}' declares no classes: give the number of classes the labels range over, e.g. '[Labels(10)] Tensor {target.Name}' for labels 0 to 9");
            return null;
        }
        if (target.HasShape) return shape;
        Report(DiagnosticDescriptors.InvalidLoss, target.Location,
            $"The target '{target.Name}' needs [Labels(classes)] for class indices or [Shape(...)] for real values, e.g. '[Labels(10)] Tensor {target.Name}'");
        return null;
    }

    /// <summary>share: true on a layer's only use ties it to nothing: most likely the other use has a different name.</summary>
    private void WarnAboutSharing()
    {
        foreach (var layer in Graph.Layers.Where(l => l.ShareLocation is not null && l.Uses == 1))
            Report(DiagnosticDescriptors.ShareWithoutSharing, layer.ShareLocation,
                $"{layer.Op} \"{layer.Name}\" passes share: true, but no other call uses the name \"{layer.Name}\", so nothing is shared: " +
                "to tie weights, give the calls the same name (the first creates the layer, the others pass share: true); otherwise remove share: true");
    }

    /// <summary>A layer that reaches neither an output nor the loss is left out of the parameters: say so before a checkpoint load fails.</summary>
    private void WarnUnused(Layer layer)
    {
        var names = string.Join(", ", layer.Parameters.Concat(layer.State).Select(p => p.Name));
        Report(DiagnosticDescriptors.UnusedLayer, layer.Location,
            $"{layer.Op} \"{layer.Name}\" is used by no output and no loss, so it is left out of the network: {names} are not in its parameter table, " +
            "and a checkpoint that holds them (saved while the layer was used, or exported from PyTorch) fails a strict Checkpoint.Load; use the layer's result, or remove it");
    }

    /// <summary>Gives a node a readable name, keeping a stronger name it already has.</summary>
    public void Name(Node node, string name, int strength)
    {
        if (strength <= node.NameStrength && node.Name.Length > 0) return;
        node.Name = name;
        node.NameStrength = strength;
    }

    private Value? Run(MethodSpec method, Dictionary<string, Value> env)
    {
        var outcome = Execute(method.Body, env);
        return outcome.Returned;
    }
}
