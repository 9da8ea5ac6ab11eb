namespace GraphGen.Generator.Tests;

/// <summary>
/// The decisions a random network writer makes, one at a time. Drawn from a seeded generator for
/// fixed regression suites, or replayed from a CsCheck-generated array so that a failing network
/// shrinks: a shorter array, or smaller numbers in it, makes fewer and simpler steps.
/// </summary>
internal interface IChoices
{
    /// <summary>A choice in [0, <paramref name="count"/>).</summary>
    int NextInt(int count);

    /// <summary>A number in [0, 1).</summary>
    double NextDouble();
}

/// <summary>Choices from a seeded generator (the fixed random suites).</summary>
internal sealed class SeededChoices(SeededRandom rng) : IChoices
{
    public int NextInt(int count) => rng.NextInt(count);
    public double NextDouble() => rng.NextDouble();
}

/// <summary>Choices replayed from an array; once it is used up every choice is 0 (the simplest).</summary>
internal sealed class RecordedChoices(uint[] values) : IChoices
{
    private int _next;

    public int NextInt(int count) => _next < values.Length ? (int)(values[_next++] % (uint)count) : 0;

    public double NextDouble() => _next < values.Length ? values[_next++] / 4294967296.0 : 0;
}
