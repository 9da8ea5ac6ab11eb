using System.Globalization;

namespace GraphGen;

/// <summary>
/// Finds NaN and infinity in checkpoint tensors. A checkpoint is the state a run continues
/// from, so a non-finite value in it is never data: it is the trace of a run that diverged,
/// and loading it would make every later output NaN without a word.
/// </summary>
internal static class FiniteValues
{
    /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or −1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>"element 4 (index [1, 1]) is NaN": the flat index, its position in <paramref name="shape"/> and the value.</summary>
    public static string Describe(int index, ReadOnlySpan<int> shape, float value)
    {
        var position = new int[shape.Length];
        int rest = index;
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            position[axis] = rest % shape[axis];
            rest /= shape[axis];
        }
        return string.Create(CultureInfo.InvariantCulture, $"element {index} (index {ShapeMath.Format(position)}) is {value}");
    }
}
