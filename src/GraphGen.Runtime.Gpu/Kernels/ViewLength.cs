using ILGPU;

namespace GraphGen.Gpu.Kernels;

/// <summary>A device view's length in the form the CPU kernels' argument checks take.</summary>
internal static class ViewLength
{
    /// <summary>The view's length, or int.MaxValue for a view beyond 2³¹ − 1 elements (which every check passes: sizes are ints).</summary>
    public static int Of<T>(ArrayView<T> view) where T : unmanaged => (int)Math.Min(view.Length, int.MaxValue);
}
