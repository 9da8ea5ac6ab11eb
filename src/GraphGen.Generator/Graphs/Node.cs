using System.Collections.Generic;
using GraphGen.Generator.Diagnostics;

namespace GraphGen.Generator.Graphs;

/// <summary>One operation of the forward graph and the tensor it produces.</summary>
internal sealed class Node(int id, OpKind kind, Node[] inputs, TensorShape shape, LocationInfo? location)
{
    public int Id { get; } = id;
    public OpKind Kind { get; } = kind;
    public Node[] Inputs { get; } = inputs;
    public TensorShape Shape { get; } = shape;
    public LocationInfo? Location { get; } = location;

    /// <summary>A C# identifier for the tensor: the user's local name when there is one.</summary>
    public string Name { get; set; } = "";

    /// <summary>How strongly <see cref="Name"/> was chosen: 0 op default, 1 layer name, 2 user local.</summary>
    public int NameStrength { get; set; }

    /// <summary>The layer, for ops with parameters.</summary>
    public Layer? Layer { get; set; }

    /// <summary>
    /// The op's own settings (a convolution's stride, a dropout's p, an activation's function...),
    /// as the record its rule defines beside it; null for ops without any.
    /// </summary>
    public OpAttributes? Attributes { get; set; }

    /// <summary>The attributes as the record type the op's rule gave them.</summary>
    public T Get<T>() where T : OpAttributes =>
        Attributes as T ?? throw new System.InvalidOperationException($"Node {Name} ({Kind}) has no {typeof(T).Name}.");

    /// <summary>The random stream of a stochastic op (dropout, sampling): its order among them in the graph.</summary>
    public int Stream { get; set; } = -1;

    /// <summary>Nodes that read this one, filled when the graph is complete.</summary>
    public List<Node> Consumers { get; } = [];

    /// <summary>True when the loss depends on this node through something differentiable with parameters or the input.</summary>
    public bool RequiresGradient { get; set; }

    public bool IsLoss => Kind is OpKind.SoftmaxCrossEntropy or OpKind.BinaryCrossEntropy
        or OpKind.BinaryCrossEntropyWithLogits or OpKind.MeanSquaredError or OpKind.KlDivergence;

    public override string ToString() => $"{Name} = {Kind}({string.Join(", ", System.Linq.Enumerable.Select(Inputs, i => i.Name))}) {Shape}";
}
