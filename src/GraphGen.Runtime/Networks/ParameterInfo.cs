namespace GraphGen;

/// <summary>
/// One named parameter tensor of a network: where it lives in the parameter arena, its
/// PyTorch name and layout (a dense layer's weight is [out, in]) and how it is initialised.
/// </summary>
public sealed record ParameterInfo(string Name, int[] Shape, int Offset, Init Init, int FanIn, int FanOut)
{
    /// <summary>Number of floats: the product of the shape.</summary>
    public int Count
    {
        get
        {
            int n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }

    /// <summary>The shape as PyTorch prints it, e.g. "[32, 64]".</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
