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

    /// <summary>
    /// A fixed network in the writers' style that holds every thing a mutation edits (float
    /// constants in the forward pass and the loss, a convolution, dropout, a normalisation, a shared
    /// layer, a concatenation), for the exhaustive run of the mutation catalog.
    /// </summary>
    public const string Showcase = Header + """
        [Network] public partial class Net
        {
            [Forward] Tensor Forward([Shape(1, 6, 6)] Tensor x)
            {
                var t0 = Relu(Conv2d(x, 2, kernel: 3, name: "layer0", padding: 1));
                var t1 = Flatten(MaxPool2d(t0, kernel: 2));
                var t2 = Dropout(Tanh(Dense(t1, 4, "layer1")), 0.25f);
                var t3 = LayerNorm(t2 * 0.5f + 1.5f, "layer2");
                var t4 = Tanh(Dense(t3, 4, "layer3"));
                var t5 = Tanh(Dense(t4, 4, "layer3", share: true)) - 0.1f * t3;
                return Dense(Concat(t5, t2), 3, "head");
            }
            [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor y) => 0.5f * SoftmaxCrossEntropy(z, y) + 0.25f;
        }

        """;

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
