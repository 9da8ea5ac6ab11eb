using System.Globalization;
using System.Text;

namespace GraphGen.Kernels;

/// <summary>
/// Argument checks shared by the kernels. The success path allocates nothing: messages are
/// formatted only when a check fails, from a constant description of the dimensions and the
/// sizes passed as a params span (which the compiler places on the stack).
/// </summary>
internal static class KernelChecks
{
    /// <summary>
    /// Throws unless <paramref name="actual"/> ≥ the product of <paramref name="sizes"/>. The
    /// message names the kernel, the argument, its dimensions (e.g. "[batch, C, H, W]" with
    /// their values) and the expected vs actual length.
    /// </summary>
    public static void Length(int actual, string kernel, string name, string dims, params ReadOnlySpan<int> sizes)
    {
        long needed = 1;
        foreach (int size in sizes) needed *= size;
        if (actual < needed) throw TooShort(actual, needed, kernel, name, dims, sizes);
    }

    /// <summary>Throws unless the span is empty or holds exactly <paramref name="count"/> floats (an optional per-channel vector).</summary>
    public static void EmptyOrExactly(int actual, int count, string kernel, string name, string dims)
    {
        if (actual != 0 && actual != count)
            throw new ArgumentException(
                $"{kernel}: {name} must be empty or hold {count.ToString(CultureInfo.InvariantCulture)} floats ({dims}) but holds {actual.ToString(CultureInfo.InvariantCulture)}.", name);
    }

    /// <summary>Throws unless the span holds at least <paramref name="count"/> floats (a per-channel vector).</summary>
    public static void AtLeast(int actual, int count, string kernel, string name, string dims) =>
        Length(actual, kernel, name, dims, count);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless value ≥ minimum.</summary>
    public static void NotLess(int value, int minimum, string kernel, string name)
    {
        if (value < minimum)
            throw new ArgumentOutOfRangeException(name, value,
                $"{kernel}: {name} must be at least {minimum.ToString(CultureInfo.InvariantCulture)} but is {value.ToString(CultureInfo.InvariantCulture)}.");
    }

    private static ArgumentException TooShort(int actual, long needed, string kernel, string name, string dims, ReadOnlySpan<int> sizes) =>
        new($"{kernel}: {name} must hold {needed.ToString(CultureInfo.InvariantCulture)} floats ({dims} = {Format(sizes)}) but holds {actual.ToString(CultureInfo.InvariantCulture)}.", name);

    private static string Format(ReadOnlySpan<int> sizes)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < sizes.Length; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(sizes[i].ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }
}
