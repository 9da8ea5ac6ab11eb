using CsCheck;
using Xunit.Abstractions;

namespace GraphGen.Generator.Tests;

/// <summary>
/// The generator's rule, checked on random input with CsCheck: random well-formed networks
/// generate code that compiles and computes what the eager interpreter computes; random mutations
/// of them (names, constants, shapes, members, declarations, attributes, arguments) either
/// compile cleanly or get a GG diagnostic in the user's file, never an error in generated code,
/// an exception or GG0099. Each run samples new cases (CsCheck's seeds are random); a failure is
/// shrunk to a small network and printed with its seed: CsCheck_Seed=&lt;seed&gt; in the environment
/// replays exactly that case.
/// </summary>
/// <remarks>
/// Iterations: <see cref="DenseIterations"/> dense and <see cref="ConvIterations"/> convolutional
/// networks against the eager interpreter, <see cref="MutationIterations"/> mutated networks (one to
/// three mutations each), and every variant of every mutation (172) once on the showcase network.
/// Cost, measured with <c>time dotnet test tests/GraphGen.Generator.Tests -c Release --no-build
/// --filter GeneratorProperties</c>: about 45 s of CPU (user) in all, spread over both cores
/// (CsCheck samples on every core, the catalog runs in parallel); 2 to 2.5 minutes of wall time on
/// the shared 2-core development machine at a load average of 20 to 60. CsCheck_Iter raises the
/// sampled iterations for a longer exploration.
/// </remarks>
public class GeneratorProperties(ITestOutputHelper output)
{
    private const int DenseIterations = 30;
    private const int ConvIterations = 10;
    private const int MutationIterations = 200;
    private const int Batch = 3;

    /// <summary>The iterations a CI run samples, or CsCheck_Iter from the environment for a longer exploration.</summary>
    private static int Iterations(int ci) => int.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), out int n) ? n : ci;

    [Fact]
    public void RandomDenseNetworksCompileAndMatchTheEagerInterpreter() =>
        NetworkSources.Choices.Sample(choices => MatchesEager(NetworkSources.Dense(choices)),
            iter: Iterations(DenseIterations), print: NetworkSources.Dense, writeLine: output.WriteLine);

    [Fact]
    public void RandomConvolutionalNetworksCompileAndMatchTheEagerInterpreter() =>
        NetworkSources.Choices.Sample(choices => MatchesEager(NetworkSources.Conv(choices)),
            iter: Iterations(ConvIterations), print: NetworkSources.Conv, writeLine: output.WriteLine);

    [Fact]
    public void ShowcaseCompilesAndMatchesTheEagerInterpreter() => MatchesEager(NetworkSources.Showcase);

    [Fact]
    public void MutatedNetworksCompileOrGetADiagnostic() =>
        NetworkSources.Mutated.Sample(input => { GeneratorOutcome.Check(NetworkSources.Source(input)); },
            iter: Iterations(MutationIterations), print: NetworkSources.Describe, writeLine: output.WriteLine);

    /// <summary>Every variant of every mutation, once each, on <see cref="NetworkSources.Showcase"/>: the whole catalog, every run.</summary>
    [Fact]
    public void EveryMutationVariantCompilesOrGetsADiagnostic()
    {
        var cases = Enumerable.Range(0, Mutations.Count)
            .SelectMany(kind => Enumerable.Range(0, Mutations.Variants(kind)).Select(variant => new Mutation(kind, (uint)variant, (uint)variant)))
            .ToList();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(cases, mutation =>
        {
            try
            {
                GeneratorOutcome.Check(Mutations.Apply(NetworkSources.Showcase, mutation));
            }
            catch (Exception e)
            {
                failures.Add($"{mutation}: {e.Message}");
            }
        });
        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} mutations broke the rule:\n" + string.Join("\n\n", failures.Order(StringComparer.Ordinal)));
    }

    /// <summary>FNV-1a of the source: the same network gets the same inputs in every run (string.GetHashCode does not).</summary>
    private static ulong StableHash(string text)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in text) hash = (hash ^ c) * 1099511628211;
        return hash;
    }

    /// <summary>Generates with no diagnostic but GG0018 (random networks leave layers unused), compiles cleanly, and matches the eager interpreter.</summary>
    private static void MatchesEager(string source)
    {
        var result = GeneratorOutcome.Check(source);
        Assert.All(result.GeneratorDiagnostics, d => Assert.Equal("GG0018", d.Id));
        Assert.True(result.CompilationDiagnostics.IsEmpty, string.Join("\n", result.CompilationDiagnostics));
        using var loaded = GeneratorOutcome.Load(result);
        ulong seed = StableHash(source) & 0xFFFF;
        var net = (INetwork)Activator.CreateInstance(loaded.Assembly.GetType("Random.Net")!, Batch, (int)seed)!;
        var x = GradientChecks.RandomInputs(Batch * net.InputSize, seed);
        // Off the kinks of ReLU at 0, where zero-initialised biases would put activations.
        var noise = GradientChecks.RandomInputs(net.Parameters.Length, seed + 99, -0.05f, 0.05f);
        for (int i = 0; i < noise.Length; i++) net.Parameters[i] += noise[i];
        switch (net)
        {
            case ITrainableNetwork<int> labelled:
                AssertMatchesEager(labelled, x, GradientChecks.RandomLabels(Batch * labelled.TargetSize, labelled.OutputSize, seed + 1), seed);
                break;
            case ITrainableNetwork<float> regression:
                AssertMatchesEager(regression, x, GradientChecks.RandomInputs(Batch * regression.TargetSize, seed + 1, 0, 1), seed);
                break;
            default:
                throw new Xunit.Sdk.XunitException("A random network has a [Loss]: " + net.GetType());
        }
    }

    /// <summary>
    /// Loss and output within 1e-3 of the eager interpreter's (relative), every parameter gradient
    /// within 1e-3 of the largest gradient of the network. The float error of a gradient follows the
    /// magnitudes summed into it, the network's gradients, not its own: a weight that BatchNorm makes
    /// scale-invariant (one weight per channel) has a gradient that is zero up to rounding, which no
    /// comparison relative to itself can check.
    /// </summary>
    private static void AssertMatchesEager<T>(ITrainableNetwork<T> net, float[] x, T[] targets, ulong seed) where T : unmanaged
    {
        const double tolerance = 1e-3;
        var model = GradientChecks.Reference(net, seed);
        var eager = GradientChecks.Eager(model, x, targets);
        float loss = net.ComputeGradients(x, targets);
        GradientChecks.AssertClose(eager.Loss, loss, tolerance, "loss");
        GradientChecks.AssertAllClose(eager.Output.Data, net.LastOutput, tolerance, "output");
        double scale = 1e-3;
        foreach (var p in net.ParameterTable.Parameters)
            foreach (double g in model.Parameters[p.Name].Grad) scale = Math.Max(scale, Math.Abs(g));
        foreach (var p in net.ParameterTable.Parameters)
        {
            var expected = model.Parameters[p.Name].Grad;
            var actual = net.Gradients.Slice(p.Offset, p.Count);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                    $"d{p.Name}[{i}]: eager {expected[i]:R}, compiled {actual[i]:R} (the network's largest gradient {scale:G3})");
        }
    }
}
