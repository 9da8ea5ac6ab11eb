using CsCheck;

namespace GraphGen.Generator.Tests;

/// <summary>
/// CsCheck generators of network sources, built on the random network writers: a network is a
/// replayed array of choices (<see cref="RecordedChoices"/>), so CsCheck's shrinking of the array
/// shrinks the network, and a mutated network is that array plus a few <see cref="Mutation"/>s.
/// </summary>
internal static class NetworkSources
{
    private const string Header = "using GraphGen;\nusing static GraphGen.Nn;\nnamespace Random;\n";

    /// <summary>Choices for one network: up to 48 decisions (about ten steps); fewer make a smaller network.</summary>
    public static readonly Gen<uint[]> Choices = Gen.UInt.Array[0, 48];

    public static readonly Gen<Mutation> Mutation =
        Gen.Select(Gen.Int[0, Mutations.Count - 1], Gen.UInt, Gen.UInt, (kind, pick, variant) => new Mutation(kind, pick, variant));

    /// <summary>A network of dense layers, activations, arithmetic, concatenation, reductions and tied weights (class Random.Net).</summary>
    public static string Dense(uint[] choices) => Header + new RandomNetworkSource(new RecordedChoices(choices)).Write("Net", out _);

    /// <summary>A convolutional network: convolutions, pooling, batch normalisation, a dense head (class Random.Net).</summary>
    public static string Conv(uint[] choices) => Header + new RandomConvNetworkSource(new RecordedChoices(choices)).Write("Net");

    /// <summary>A valid network, dense or convolutional, with the mutations applied in order.</summary>
    public static readonly Gen<(bool Conv, uint[] Choices, Mutation[] Mutations)> Mutated =
        Gen.Select(Gen.Bool, Choices, Mutation.Array[1, 3]);

    public static string Source((bool Conv, uint[] Choices, Mutation[] Mutations) input)
    {
        string source = input.Conv ? Conv(input.Choices) : Dense(input.Choices);
        foreach (var mutation in input.Mutations) source = Mutations.Apply(source, mutation);
        return source;
    }

    /// <summary>How a failing case is printed: its mutations and the source they made.</summary>
    public static string Describe((bool Conv, uint[] Choices, Mutation[] Mutations) input) =>
        $"{(input.Conv ? "convolutional" : "dense")} network, mutations: {string.Join(", ", input.Mutations)}\n{Source(input)}";
}
