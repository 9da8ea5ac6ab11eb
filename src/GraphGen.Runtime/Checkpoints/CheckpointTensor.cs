namespace GraphGen;

/// <summary>A tensor read from a checkpoint: its shape and its values converted to float, row-major.</summary>
public sealed record CheckpointTensor(int[] Shape, float[] Values)
{
    /// <summary>The shape as PyTorch prints it, e.g. "[3, 4]".</summary>
    public string ShapeText => ShapeMath.Format(Shape);
}
