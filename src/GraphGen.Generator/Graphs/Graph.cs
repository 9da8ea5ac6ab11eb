using System.Collections.Generic;

namespace GraphGen.Generator.Graphs;

/// <summary>
/// The static forward graph of a network: nodes in creation order (a topological order),
/// its parameters in arena order, and the loss as a weighted sum of loss terms.
/// </summary>
internal sealed class Graph
{
    public List<Node> Nodes { get; } = [];
    public List<Layer> Layers { get; } = [];
    public List<GraphParameter> Parameters { get; } = [];

    public Node? Input { get; set; }

    /// <summary>What [Forward] returns: one tensor, or several from a tuple. The first is "the" output.</summary>
    public List<Node> Outputs { get; } = [];

    public Node? Output => Outputs.Count == 0 ? null : Outputs[0];

    public Node? Target { get; set; }

    /// <summary>Non-trainable state saved with the parameters (BatchNorm running statistics), in its own arena.</summary>
    public List<GraphParameter> State { get; } = [];

    /// <summary>Ops that draw random numbers (dropout, sampling) so far: each gets its own stream.</summary>
    public int StochasticOps { get; set; }

    /// <summary>Classes of an integer-label target; 0 for real-valued targets.</summary>
    public int TargetClasses { get; set; }

    /// <summary>Whether a SoftmaxCrossEntropy term has been built (the terms must agree on <see cref="IgnoredLabel"/>).</summary>
    public bool HasLabelLoss { get; set; }

    /// <summary>The label the SoftmaxCrossEntropy terms skip (padding), or null when every label counts.</summary>
    public int? IgnoredLabel { get; set; }

    public bool InputGradient { get; set; }

    /// <summary>The C# names given so far: tensors' when the graph is finished, then the plan's views, gradients and buffers.</summary>
    public NameAllocator Names { get; } = new();

    /// <summary>loss = Σ weight · term + constant, terms being loss-op nodes.</summary>
    public List<LossTerm> LossTerms { get; } = [];
    public double LossConstant { get; set; }
    public bool HasLoss => LossTerms.Count > 0;

    /// <summary>Floats of the parameter arena (at most <see cref="NetworkLimits.MaxFloats"/>: layers are checked as they are made).</summary>
    public int ParameterCount
    {
        get
        {
            int n = 0;
            foreach (var p in Parameters) n += p.Count;
            return n;
        }
    }

    /// <summary>Adds a node; throws <see cref="NetworkLimitException"/> when its shape or the graph exceeds <see cref="NetworkLimits"/>.</summary>
    public Node Add(OpKind kind, Node[] inputs, TensorShape shape, Diagnostics.LocationInfo? location)
    {
        if (shape.Elements > NetworkLimits.MaxFloats)
            throw new NetworkLimitException($"This {kind} would make a tensor of {shape} = {NetworkLimits.Count(shape.Elements)} floats per sample, more than {NetworkLimits.FloatsLimitText}; use smaller sizes");
        if (Nodes.Count >= NetworkLimits.MaxNodes)
            throw new NetworkLimitException($"The graph would have more than {NetworkLimits.Count(NetworkLimits.MaxNodes)} nodes once loops are unrolled and helpers inlined; use fewer iterations or wider ops");
        var node = new Node(Nodes.Count, kind, inputs, shape, location) { Name = char.ToLowerInvariant(kind.ToString()[0]) + kind.ToString().Substring(1) + Nodes.Count };
        Nodes.Add(node);
        return node;
    }
}

/// <summary>One loss function's contribution to the total loss.</summary>
internal sealed class LossTerm(Node node, double weight)
{
    public Node Node { get; } = node;
    public double Weight { get; set; } = weight;
}
