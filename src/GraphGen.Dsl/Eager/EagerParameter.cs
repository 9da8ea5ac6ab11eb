namespace GraphGen.Eager;

/// <summary>A parameter tensor of an eager model, in double precision, with its accumulated gradient.</summary>
/// <param name="name">The parameter's name, as in the network's parameter table (e.g. "hidden.weight").</param>
/// <param name="shape">Its shape, in PyTorch's layout (a Dense weight is [out, in]).</param>
/// <param name="data">Its values, row-major; the model reads and writes this array.</param>
public sealed class EagerParameter(string name, int[] shape, double[] data)
{
    /// <summary>The parameter's name, e.g. "hidden.weight".</summary>
    public string Name { get; } = name;

    /// <summary>Its shape, in PyTorch's layout.</summary>
    public int[] Shape { get; } = shape;

    /// <summary>Its values, row-major. Change them to perturb the model (finite differences).</summary>
    public double[] Data { get; } = data;

    /// <summary>dLoss/dParameter from the last <see cref="EagerModel.ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{double})"/>, laid out like <see cref="Data"/>.</summary>
    public double[] Grad { get; } = new double[data.Length];
}
