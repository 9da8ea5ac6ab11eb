using GraphGen.Generator.Diagnostics;

namespace GraphGen.Generator.Graphs;

/// <summary>A named layer and its parameters; shared when one name is used by several calls.</summary>
internal sealed class Layer(string name, int inFeatures, int units, GraphParameter weight, GraphParameter? bias, string callSite, LocationInfo? location)
{
    public string Name { get; } = name;
    public int InFeatures { get; } = inFeatures;
    public int Units { get; } = units;
    public GraphParameter Weight { get; } = weight;
    public GraphParameter? Bias { get; } = bias;

    /// <summary>Identifies the call that created the layer: calls from the same site (a loop) share it silently.</summary>
    public string CallSite { get; } = callSite;

    public LocationInfo? Location { get; } = location;

    /// <summary>How many graph nodes use the layer (more than one means tied weights).</summary>
    public int Uses { get; set; }
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

    public int Count
    {
        get
        {
            int n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
