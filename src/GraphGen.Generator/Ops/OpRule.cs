using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Everything the generator knows about one op, kept together: how to check its arguments
/// and infer its shape (<see cref="Build"/>), how to compute it (<see cref="Forward"/>), how to
/// differentiate it (<see cref="Backward"/>), and how to say what it computes.
/// </summary>
internal abstract class OpRule
{
    /// <summary>The GraphGen.Nn method name (or operator) the user writes.</summary>
    public abstract string Name { get; }

    /// <summary>Checks a call and adds its node to the graph; reports diagnostics and returns null when the call is invalid.</summary>
    public abstract Node? Build(OpCall call);

    /// <summary>
    /// Like <see cref="Build"/> for ops whose result is not one tensor (Unstack gives an array);
    /// by default the tensor <see cref="Build"/> makes.
    /// </summary>
    public virtual Value? BuildValue(OpCall call) => Build(call) is { } node ? new TensorValue(node) : null;

    /// <summary>Emits the steps that compute the node's value.</summary>
    public abstract void Forward(Node node, PlanBuilder plan);

    /// <summary>Emits the steps that add dLoss/dNode's contributions to its inputs' and parameters' gradients.</summary>
    public abstract void Backward(Node node, PlanBuilder plan);

    /// <summary>What the node computes, in math, e.g. "h = max(z, 0)".</summary>
    public abstract string Describe(Node node);

    /// <summary>
    /// Writes the node's inference form as ONNX nodes (opset 17) that make a tensor named
    /// <c>node.Name</c> from its inputs' tensors (batch first); running statistics, no dropout.
    /// </summary>
    /// <remarks>
    /// Ops that are never part of the inference graph (losses) and composite ops (expanded before the
    /// graph exists) keep this default, which says the op has no ONNX form.
    /// </remarks>
    public virtual void Onnx(Node node, Emit.OnnxEmitter onnx) => throw new Emit.NoOnnxFormException();

    /// <summary>Reports a shape error at the call and returns null, so a rule can write <c>return Mismatch(...)</c>.</summary>
    protected static Node? Mismatch(OpCall call, string message, string? parameter = null)
    {
        call.Builder.Report(Diagnostics.DiagnosticDescriptors.ShapeMismatch, parameter is null ? call.Location : call.LocationOf(parameter), message);
        return null;
    }

    /// <summary>Reports an invalid argument and returns null.</summary>
    protected static Node? Invalid(OpCall call, string message, string? parameter = null)
    {
        call.Builder.Report(Diagnostics.DiagnosticDescriptors.InvalidArgument, parameter is null ? call.Location : call.LocationOf(parameter), message);
        return null;
    }

    /// <summary>"x [B, 64]" for comments.</summary>
    protected static string Shaped(Node node) => node.Name + " " + node.Shape.WithBatch;
}
