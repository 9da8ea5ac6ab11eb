using System.Reflection;

namespace GraphGen.Generator.Tests;

/// <summary>
/// Random DAGs built from every op, generated, compiled and run: the compiled gradients equal
/// the eager interpreter's, which equal finite differences.
/// </summary>
public class RandomNetworkTests
{
    private const int Count = 30;
    private const int ConvCount = 16;
    private const int Batch = 3;

    private static readonly Lazy<(Assembly Assembly, string[] Sources)> Compiled = new(() =>
    {
        var rng = new SeededChoices(new SeededRandom(20261122));
        var sources = new string[Count + ConvCount];
        for (int i = 0; i < Count; i++)
            sources[i] = "using GraphGen;\nusing static GraphGen.Nn;\nnamespace Random;\n" + new RandomNetworkSource(rng).Write("Net" + i, out _);
        for (int i = Count; i < Count + ConvCount; i++)
            sources[i] = "using GraphGen;\nusing static GraphGen.Nn;\nnamespace Random;\n" + new RandomConvNetworkSource(rng).Write("Net" + i);
        // Random DAGs often leave a layer unused: the generator warns (GG0018) and leaves it out.
        return (GeneratorHarness.CompileAndLoad(sources, allowedWarnings: ["GG0018"]), sources);
    });

    public static TheoryData<int> Indices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Count + ConvCount; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Indices))]
    public void CompiledMatchesEagerAndFiniteDifferences(int index)
    {
        var (assembly, sources) = Compiled.Value;
        var type = assembly.GetType("Random.Net" + index)!;
        var net = (INetwork)Activator.CreateInstance(type, Batch, index)!;
        var x = GradientChecks.RandomInputs(Batch * net.InputSize, (ulong)index);
        ulong seed = (ulong)index;
        // Zero-initialised biases behind a dead ReLU put activations exactly on the kink at 0, where
        // finite differences average the two one-sided slopes; a small perturbation moves them off it.
        var noise = GradientChecks.RandomInputs(net.Parameters.Length, seed + 99, -0.05f, 0.05f);
        for (int i = 0; i < noise.Length; i++) net.Parameters[i] += noise[i];
        try
        {
            switch (net)
            {
                case ITrainableNetwork<int> labelled:
                    var labels = GradientChecks.RandomLabels(Batch * labelled.TargetSize, labelled.OutputSize, (ulong)index + 1);
                    GradientChecks.AssertMatchesEager(labelled, x, labels, tolerance: 1e-3, seed: seed);
                    GradientChecks.AssertEagerMatchesFiniteDifferences(labelled, x, labels, maxChecksPerParameter: 4, seed: seed);
                    break;
                case ITrainableNetwork<float> regression:
                    var targets = GradientChecks.RandomInputs(Batch * regression.TargetSize, (ulong)index + 1, 0, 1);
                    GradientChecks.AssertMatchesEager(regression, x, targets, tolerance: 1e-3, seed: seed);
                    GradientChecks.AssertEagerMatchesFiniteDifferences(regression, x, targets, maxChecksPerParameter: 4, seed: seed);
                    break;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nnetwork source:\n{sources[index]}");
        }
    }
}
