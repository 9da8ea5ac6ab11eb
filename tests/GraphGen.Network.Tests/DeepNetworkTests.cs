namespace GraphGen.Network.Tests;

/// <summary>CNN, normalisation, attention, RNN and VAE ops: compiled = eager = finite differences.</summary>
public class DeepNetworkTests
{
    private const int Batch = 3;
    private const int Seed = 7;

    public static TheoryData<string> Networks => new() { "ConvNet", "NormNet", "TinyTransformer", "TinyRnn", "TinyVae", "MatMulForms", "TinyGru", "AttentionOps", "PoolNet" };

    private static (object Net, float[] X, object Targets) Case(string name)
    {
        object net = name switch
        {
            "ConvNet" => new ConvNet(Batch, Seed),
            "NormNet" => new NormNet(Batch, Seed),
            "TinyTransformer" => new TinyTransformer(Batch, Seed),
            "TinyRnn" => new TinyRnn(Batch, Seed),
            "TinyVae" => new TinyVae(Batch, Seed),
            "MatMulForms" => new MatMulForms(Batch, Seed),
            "TinyGru" => new TinyGru(Batch, Seed),
            "AttentionOps" => new AttentionOps(Batch, Seed),
            "PoolNet" => new PoolNet(Batch, Seed),
            _ => throw new ArgumentException(name),
        };
        var network = (INetwork)net;
        var x = name == "TinyTransformer"
            ? GradientChecks.RandomLabels(Batch * network.InputSize, 7, 11).Select(i => (float)i).ToArray()
            : GradientChecks.RandomInputs(Batch * network.InputSize, 12);
        object targets = net switch
        {
            ITrainableNetwork<int> labelled => GradientChecks.RandomLabels(Batch * labelled.TargetSize, labelled.OutputSize / labelled.TargetSize, 13),
            ITrainableNetwork<float> regression => GradientChecks.RandomInputs(Batch * regression.TargetSize, 14, 0f, 1f),
            _ => throw new ArgumentException(name),
        };
        if (net is ITrainableNetwork<int> { IgnoredLabel: { } ignored } padded)
        {
            // Pad the tail of every other sequence, as after a short sequence's end.
            var labels = (int[])targets;
            for (int s = 0; s < Batch; s += 2) labels[(s + 1) * padded.TargetSize - 1] = ignored;
        }
        return (net, x, targets);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void CompiledMatchesEager(string name)
    {
        var (net, x, targets) = Case(name);
        if (net is ITrainableNetwork<int> a) GradientChecks.AssertMatchesEager(a, x, (int[])targets, tolerance: 5e-4, seed: Seed);
        else GradientChecks.AssertMatchesEager((ITrainableNetwork<float>)net, x, (float[])targets, tolerance: 5e-4, seed: Seed);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void EagerMatchesFiniteDifferences(string name)
    {
        var (net, x, targets) = Case(name);
        if (net is ITrainableNetwork<int> a) GradientChecks.AssertEagerMatchesFiniteDifferences(a, x, (int[])targets, maxChecksPerParameter: 6, seed: Seed);
        else GradientChecks.AssertEagerMatchesFiniteDifferences((ITrainableNetwork<float>)net, x, (float[])targets, maxChecksPerParameter: 6, seed: Seed);
    }

    [Theory]
    [InlineData("ConvNet")]
    [InlineData("TinyTransformer")]
    [InlineData("TinyRnn")]
    [InlineData("MatMulForms")]
    [InlineData("TinyGru")]
    [InlineData("AttentionOps")]
    [InlineData("PoolNet")]
    public void DeterministicNetworksMatchFiniteDifferencesOfTheCompiledLoss(string name)
    {
        // Networks without batch statistics, dropout or sampling: the inference loss equals the training loss.
        var (net, x, targets) = Case(name);
        if (net is ITrainableNetwork<int> a) GradientChecks.AssertCompiledMatchesFiniteDifferences(a, x, (int[])targets);
        else GradientChecks.AssertCompiledMatchesFiniteDifferences((ITrainableNetwork<float>)net, x, (float[])targets);
    }
}
