using System.Linq;
using GraphGen.Generator.Diagnostics;

namespace GraphGen.Generator.Graphs;

/// <summary>
/// A named layer: the parameters an op owns (a dense layer's weight and bias, a convolution's
/// kernels, a normalisation's scale and shift, an embedding table), and any non-trainable
/// state it keeps (running statistics). Several calls share a layer when they use its name.
/// </summary>
internal sealed class Layer(string name, string op, GraphParameter[] parameters, GraphParameter[] state, string signature, string callSite, LocationInfo? location)
{
    public string Name { get; } = name;

    /// <summary>The op that owns the layer, e.g. "Dense".</summary>
    public string Op { get; } = op;

    public GraphParameter[] Parameters { get; } = parameters;
    public GraphParameter[] State { get; } = state;

    /// <summary>What a second use must match to share the layer, e.g. "Dense [32, 64] with bias".</summary>
    public string Signature { get; } = signature;

    /// <summary>Identifies the call that created the layer: calls from the same site (a loop) share it silently.</summary>
    public string CallSite { get; } = callSite;

    public LocationInfo? Location { get; } = location;

    /// <summary>Where a use of the layer passed share: true (the first such use), or null.</summary>
    public LocationInfo? ShareLocation { get; set; }

    /// <summary>How many graph nodes use the layer (more than one means tied weights).</summary>
    public int Uses { get; set; }

    public GraphParameter Weight => Parameters[0];
    public GraphParameter? Bias => Parameters.FirstOrDefault(p => p.Name.EndsWith(".bias", System.StringComparison.Ordinal));
    public int ParameterCount => Parameters.Sum(p => p.Count);

    /// <summary>For a dense layer: the weight is [units, in].</summary>
    public int Units => Weight.Shape[0];
    public int InFeatures => Weight.Shape[Weight.Shape.Length - 1];
}

/// <summary>A parameter tensor: PyTorch name, layout, initialisation and its place in the arena.</summary>
internal sealed class GraphParameter(string name, int[] shape, string init, int fanIn, int fanOut)
{
    public string Name { get; } = name;
    public int[] Shape { get; } = shape;

    /// <summary>Name of a GraphGen.Init member; "Auto" is resolved once the graph is complete.</summary>
    public string Init { get; set; } = init;

    public int FanIn { get; } = fanIn;
    public int FanOut { get; } = fanOut;
    public int Offset { get; set; }

    /// <summary>Floats in the tensor, exactly (saturating at long.MaxValue).</summary>
    public long Elements => NetworkLimits.Product(Shape);

    /// <summary>Floats in the tensor (a layer's parameters are checked against the limits when it is made, so this fits).</summary>
    public int Count => checked((int)Elements);

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
