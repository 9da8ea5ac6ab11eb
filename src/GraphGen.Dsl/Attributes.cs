namespace GraphGen;

/// <summary>
/// Marks a <c>partial class</c> as a network: the GraphGen generator reads its [Forward] (and
/// [Loss]) method at compile time and emits the forward pass, backward pass and training step.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Also compute dLoss/dInput in the backward pass (saliency maps, adversarial samples).</summary>
    public bool InputGradient { get; set; }
}

/// <summary>The method that builds the network's graph from its input tensor(s).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ForwardAttribute : Attribute;

/// <summary>
/// The training objective: its first parameter receives the [Forward] output, the second the
/// targets (declared with [Labels] for class indices or [Shape] for real values).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class LossAttribute : Attribute;

/// <summary>The per-sample shape of an input or target tensor; the batch dimension is implicit.</summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class ShapeAttribute(params int[] dimensions) : Attribute
{
    /// <summary>The per-sample dimensions, e.g. [1, 28, 28].</summary>
    public int[] Dimensions { get; } = dimensions;
}

/// <summary>Integer class labels in 0..<paramref name="classes"/>−1, one per sample.</summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class LabelsAttribute(int classes) : Attribute
{
    /// <summary>The number of classes; labels lie in 0..Classes−1.</summary>
    public int Classes { get; } = classes;
}
