namespace GraphGen;

/// <summary>
/// One tensor as a safetensors header describes it: its element type, shape and the byte
/// range [<see cref="Begin"/>, <see cref="End"/>) of its data, relative to the start of the
/// data buffer that follows the header.
/// </summary>
public sealed record SafetensorsTensorInfo(string Name, SafetensorsDType DType, int[] Shape, long Begin, long End)
{
    /// <summary>Number of elements: the product of the shape (1 for a scalar).</summary>
    public int ElementCount => ShapeMath.ElementCount(Shape);

    /// <summary>The shape as PyTorch prints it, e.g. "[3, 4]".</summary>
    public string ShapeText => ShapeMath.Format(Shape);
}
