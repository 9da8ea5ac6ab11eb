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

    /// <summary>Scalar settings: LeakyRelu slope, Affine scale and shift, Mean's 1/n.</summary>
    public double Scale { get; set; } = 1;
    public double Shift { get; set; }

    /// <summary>Integer settings of structural ops (heads, kernel, stride...), by name.</summary>
    public System.Collections.Generic.Dictionary<string, int> Settings { get; } = new(System.StringComparer.Ordinal);

    /// <summary>Flags such as "transposeA" or "causal".</summary>
    public System.Collections.Generic.HashSet<string> Flags { get; } = new(System.StringComparer.Ordinal);

    /// <summary>The random stream of a stochastic op (dropout, sampling): its order among them in the graph.</summary>
    public int Stream { get; set; } = -1;

    /// <summary>Nodes that read this one, filled when the graph is complete.</summary>
    public List<Node> Consumers { get; } = [];

    /// <summary>True when the loss depends on this node through something differentiable with parameters or the input.</summary>
    public bool RequiresGradient { get; set; }

    public bool IsLoss => Kind is OpKind.SoftmaxCrossEntropy or OpKind.BinaryCrossEntropy
        or OpKind.BinaryCrossEntropyWithLogits or OpKind.MeanSquaredError or OpKind.KlDivergence;

    public int Setting(string name) => Settings[name];

    public override string ToString() => $"{Name} = {Kind}({string.Join(", ", System.Linq.Enumerable.Select(Inputs, i => i.Name))}) {Shape}";
}
