using System.Globalization;

namespace GraphGen.Generator.Graphs;

/// <summary>
/// The sizes a network must fit in, checked while the graph and the plan are built so that a
/// network too large to run is a compile-time error naming the limit, never an overflowed
/// <c>int</c> in the generated code.
/// </summary>
internal static class NetworkLimits
{
    /// <summary>
    /// The most floats one buffer may hold: the runtime's <c>AlignedBuffer.MaxLength</c> (the
    /// largest .NET array, 2,147,483,591 elements, less 15 floats of alignment slack). Each
    /// tensor's per-sample size, the parameter count, the state and the arena's width per sample
    /// must fit (a test keeps this equal to the runtime's value).
    /// </summary>
    public const int MaxFloats = 2_147_483_576;

    /// <summary>The most nodes a graph may have once loops are unrolled and helpers inlined.</summary>
    public const int MaxNodes = 100_000;

    /// <summary>"2,147,483,576 floats (the largest buffer the runtime can allocate)", for messages.</summary>
    public static string FloatsLimitText => Count(MaxFloats) + " floats (the largest .NET array, less alignment slack)";

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The product of <paramref name="dimensions"/>, saturating at <see cref="long.MaxValue"/> (never wrapping).</summary>
    public static long Product(System.Collections.Generic.IEnumerable<int> dimensions)
    {
        long n = 1;
        foreach (int d in dimensions)
        {
            if (d <= 0) return d == 0 ? 0 : -1;
            n = n > long.MaxValue / d ? long.MaxValue : n * d;
        }
        return n;
    }
}

/// <summary>
/// A network exceeds one of <see cref="NetworkLimits"/>: thrown where the oversized tensor, layer
/// or arena is made, and reported as GG0016 on the user's code that asked for it.
/// </summary>
internal sealed class NetworkLimitException(string message) : System.Exception(message);
