namespace GraphGen.Eager;

/// <summary>A parameter tensor of an eager model, in double precision, with its accumulated gradient.</summary>
public sealed class EagerParameter(string name, int[] shape, double[] data)
{
    public string Name { get; } = name;
    public int[] Shape { get; } = shape;
    public double[] Data { get; } = data;
    public double[] Grad { get; } = new double[data.Length];
}
