using System.Collections.Generic;
using System.Linq;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Ops;

namespace GraphGen.Generator.Planning;

/// <summary>A gradient destination: the operand, and whether earlier contributions must be kept (+=).</summary>
internal readonly record struct GradientTarget(Operand Operand, bool Accumulate);

/// <summary>
/// Lowers a graph to a <see cref="KernelPlan"/>. Each op's rule emits its forward steps in
/// graph order; then each loss term seeds the gradient; then, walking the graph backwards
/// (reverse automatic differentiation), each op's rule turns the finished gradient of its
/// output into contributions to its inputs' and parameters' gradients. The first
/// contribution to a gradient writes it, later ones (fan-out, shared weights) add to it.
/// </summary>
internal sealed class PlanBuilder
{
    private readonly Graph _graph;
    private readonly List<Buffer> _buffers = [];
    private readonly List<KernelStep> _forward = [], _loss = [], _backward = [];
    private readonly Dictionary<Node, Operand> _values = [];
    private readonly Dictionary<Node, Operand> _gradients = [];
    private readonly HashSet<Operand> _written = [];
    private readonly NameAllocator _names;
    private readonly Dictionary<GraphParameter, string> _parameterNames = [], _parameterGradientNames = [];
    private List<KernelStep> _section;

    private PlanBuilder(Graph graph)
    {
        _graph = graph;
        _section = _forward;
        // Tensors were named when the graph was finished; parameters, state and parameter gradients
        // are named next, in arena order, so that each keeps one name in every pass.
        _names = graph.Names;
        foreach (var p in graph.Parameters.Concat(graph.State)) _parameterNames[p] = _names.Claim(NameAllocator.Identifier(p.Name), "_");
        foreach (var p in graph.Parameters) _parameterGradientNames[p] = _names.Claim(NameAllocator.GradientName(_parameterNames[p]), "_");
    }

    public static KernelPlan Build(Graph graph) => new PlanBuilder(graph).Lower();

    private KernelPlan Lower()
    {
        var graph = _graph;
        var input = Value(graph.Input!);
        foreach (var node in graph.Nodes)
        {
            if (node.Kind is OpKind.Input or OpKind.Target || node.Shape.IsScalar) continue;
            OpCatalog.For(node).Forward(node, this);
        }
        var outputs = graph.Outputs.Select(ArenaValue).ToList();
        var target = graph.Target is null ? null : Value(graph.Target);

        _section = _loss;
        var terms = new List<(string, double)>();
        foreach (var term in graph.LossTerms)
        {
            string result = _names.ClaimTerm(terms.Count);
            ((ILossRule)OpCatalog.For(term.Node)).EmitLoss(term.Node, term.Weight, result, this);
            terms.Add((result, term.Weight));
        }

        _section = _backward;
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var node = graph.Nodes[i];
            if (node.Kind is OpKind.Input or OpKind.Target || node.Shape.IsScalar || !node.RequiresGradient) continue;
            if (!_gradients.ContainsKey(node)) continue;
            OpCatalog.For(node).Backward(node, this);
        }
        Operand? inputGradient = null;
        if (graph.InputGradient && graph.Input is not null)
            inputGradient = _gradients.TryGetValue(graph.Input, out var dx) ? dx : GradientOf(graph.Input)!.Value.Operand;
        return new KernelPlan(graph)
        {
            Buffers = _buffers,
            Forward = _forward,
            Loss = _loss,
            Backward = _backward,
            Input = input,
            Outputs = outputs,
            Target = target,
            InputGradient = inputGradient,
            LossTerms = terms,
        };
    }

    public void Emit(KernelStep step) => _section.Add(step);

    /// <summary>
    /// An output's value in the arena, where callers read outputs: an output that is not computed
    /// there (the input returned as it is) is copied into a buffer of its own.
    /// </summary>
    private Operand ArenaValue(Node output)
    {
        var value = Value(output);
        if (value.Kind == OperandKind.Buffer) return value;
        var copy = NewBuffer(UniqueName(output.Name + "Output"), output, BufferRole.Activation);
        Emit(new MapStep(copy, Map.Of(value), Dim.Batch(1), output.Shape.Size, false)
        {
            SourceNode = output.Id,
            Label = "output",
            Comment = [$"The output is {value.Name} itself: copied into the arena, where callers read outputs"],
        });
        return copy;
    }

    /// <summary>The operand holding a node's forward value.</summary>
    public Operand Value(Node node)
    {
        if (_values.TryGetValue(node, out var operand)) return operand;
        operand = node.Kind switch
        {
            OpKind.Input => new Operand(OperandKind.Input, 0, node.Name),
            OpKind.Target => _graph.TargetClasses > 0 ? new Operand(OperandKind.Labels, 0, node.Name) : new Operand(OperandKind.Targets, 0, node.Name),
            _ => NewBuffer(node.Name, node, BufferRole.Activation),
        };
        _values.Add(node, operand);
        return operand;
    }

    public Operand Parameter(GraphParameter p) =>
        new(OperandKind.Parameter, _graph.Parameters.IndexOf(p), _parameterNames[p]);

    /// <summary>A non-trainable state tensor (running statistics).</summary>
    public Operand State(GraphParameter p) =>
        new(OperandKind.State, _graph.State.IndexOf(p), _parameterNames[p]);

    /// <summary>
    /// A buffer an op fills in the forward pass for its own backward pass: <paramref name="width"/>
    /// values per sample (a dropout mask), or in total when <paramref name="fixedSize"/> (per-channel
    /// batch statistics); ints when <paramref name="integer"/> (pooling argmax).
    /// </summary>
    public Operand Saved(Node node, string suffix, int width, bool fixedSize = false, bool integer = false)
    {
        string name = UniqueName(node.Name + suffix);
        var buffer = new Buffer(_buffers.Count, name, width, BufferRole.Saved, node) { Fixed = fixedSize, Integer = integer };
        _buffers.Add(buffer);
        var operand = new Operand(OperandKind.Buffer, buffer.Id, name);
        _saved[(node, suffix)] = operand;
        return operand;
    }

    /// <summary>The buffer an op saved in its forward pass under <paramref name="suffix"/>.</summary>
    public Operand FindSaved(Node node, string suffix) => _saved[(node, suffix)];

    private readonly Dictionary<(Node, string), Operand> _saved = [];

    /// <summary>
    /// Kernels that write several gradients in one call (dx, dγ, dβ) take one accumulate flag.
    /// When the targets disagree, the fresh ones are cleared first and every one is added to.
    /// </summary>
    public bool CommonAccumulate(Node source, params (GradientTarget? Target, Dim Rows, int Columns)[] targets)
    {
        bool any = false, all = true;
        foreach (var (target, _, _) in targets)
        {
            if (target is not { } t) continue;
            any |= t.Accumulate;
            all &= t.Accumulate;
        }
        if (!any || all) return any;
        foreach (var (target, rows, columns) in targets)
        {
            if (target is not { Accumulate: false } t) continue;
            Emit(new MapStep(t.Operand, Map.Const(0), rows, columns, false)
            {
                SourceNode = source.Id,
                Label = "clear " + t.Operand.Name,
                Comment = [$"{t.Operand.Name} = 0, so that the kernel below can add to every gradient it writes"],
            });
        }
        return true;
    }

    /// <summary>
    /// Where to put a gradient that an op writes only in part (a slice of its input): the first
    /// time, the whole gradient is cleared first, so every later contribution can add.
    /// </summary>
    public GradientTarget? PartialGradientOf(Node node, Dim rows, int columns)
    {
        if (GradientOf(node) is not { } target) return null;
        if (!target.Accumulate)
            Emit(new MapStep(target.Operand, Map.Const(0), rows, columns, false)
            {
                SourceNode = node.Id,
                Label = "clear " + target.Operand.Name,
                Comment = [$"{target.Operand.Name} = 0: the ops below each add to a slice of it"],
            });
        return target with { Accumulate = true };
    }

    /// <summary>dLoss/dNode, complete once the backward walk reaches the node.</summary>
    public Operand Gradient(Node node) => _gradients[node];

    /// <summary>Where to put a contribution to dLoss/dNode, or null when the node needs no gradient.</summary>
    public GradientTarget? GradientOf(Node node)
    {
        if (!node.RequiresGradient) return null;
        if (!_gradients.TryGetValue(node, out var operand))
        {
            operand = NewBuffer(UniqueName(NameAllocator.GradientName(node.Name)), node, node.Kind == OpKind.Input ? BufferRole.InputGradient : BufferRole.Gradient);
            _gradients.Add(node, operand);
        }
        return Write(operand);
    }

    public GradientTarget ParameterGradient(GraphParameter p) =>
        Write(new Operand(OperandKind.ParameterGradient, _graph.Parameters.IndexOf(p), _parameterGradientNames[p]));

    /// <summary>A free name for a buffer derived from a tensor's name (its gradient, a saved mask...).</summary>
    private string UniqueName(string name) => _names.Claim(name, "_");

    private GradientTarget Write(Operand operand) => new(operand, !_written.Add(operand));

    private Operand NewBuffer(string name, Node node, BufferRole role)
    {
        var buffer = new Buffer(_buffers.Count, name, node.Shape.Size, role, node);
        _buffers.Add(buffer);
        return new Operand(OperandKind.Buffer, buffer.Id, name);
    }

    /// <summary>Rows of a node viewed as a matrix [rows, last axis].</summary>
    public static Dim Rows(Node node) => Dim.Batch(node.Shape.LeadingSize);
}
