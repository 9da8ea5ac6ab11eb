namespace GraphGen.Generator.Parsing;

/// <summary>Metadata names of the DSL types; the generator references neither the Dsl nor the Runtime assembly.</summary>
internal static class KnownNames
{
    public const string NetworkAttribute = "GraphGen.NetworkAttribute";
    public const string ForwardAttribute = "GraphGen.ForwardAttribute";
    public const string LossAttribute = "GraphGen.LossAttribute";
    public const string ShapeAttribute = "GraphGen.ShapeAttribute";
    public const string LabelsAttribute = "GraphGen.LabelsAttribute";
    public const string Tensor = "GraphGen.Tensor";
    public const string Ops = "GraphGen.Nn";
    public const string InitEnum = "GraphGen.Init";
    /// <summary>The GPU backend's device type: when the compilation references it, networks get a GPU file too.</summary>
    public const string GpuDevice = "GraphGen.Gpu.GpuDevice";
}
