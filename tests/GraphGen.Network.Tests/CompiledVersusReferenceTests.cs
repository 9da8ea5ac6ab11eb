namespace GraphGen.Network.Tests;

/// <summary>Every test network: compiled gradients = eager gradients = finite differences.</summary>
public class CompiledVersusReferenceTests
{
    private const int Batch = 5;

    public static TheoryData<string> Networks => new() { "ActivationChain", "SmoothActivations", "ResidualDag", "BinaryClassifier", "MultiLoss", "HelperAndLoop", "RatioRegression" };

    /// <summary>A network with seeded parameters, a batch of inputs, and matching targets.</summary>
    private static (object Net, float[] X, object Targets) Case(string name, int seed = 3)
    {
        object net = name switch
        {
            "ActivationChain" => new ActivationChain(Batch, seed),
            "SmoothActivations" => new SmoothActivations(Batch, seed),
            "ResidualDag" => new ResidualDag(Batch, seed),
            "BinaryClassifier" => new BinaryClassifier(Batch, seed),
            "MultiLoss" => new MultiLoss(Batch, seed),
            "HelperAndLoop" => new HelperAndLoop(Batch, seed),
            "RatioRegression" => new RatioRegression(Batch, seed),
            _ => throw new ArgumentException(name),
        };
        var network = (INetwork)net;
        var x = GradientChecks.RandomInputs(Batch * network.InputSize, (ulong)seed + 100);
        object targets = net switch
        {
            ITrainableNetwork<int> labelled => GradientChecks.RandomLabels(Batch * labelled.TargetSize, labelled.OutputSize / labelled.TargetSize, (ulong)seed + 200),
            ITrainableNetwork<float> regression => GradientChecks.RandomInputs(Batch * regression.TargetSize, (ulong)seed + 300, 0f, 1f),
            _ => throw new ArgumentException(name),
        };
        return (net, x, targets);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void CompiledMatchesEager(string name)
    {
        var (net, x, targets) = Case(name);
        if (net is ITrainableNetwork<int> a) GradientChecks.AssertMatchesEager(a, x, (int[])targets);
        else GradientChecks.AssertMatchesEager((ITrainableNetwork<float>)net, x, (float[])targets);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void EagerMatchesFiniteDifferences(string name)
    {
        var (net, x, targets) = Case(name);
        if (net is ITrainableNetwork<int> a) GradientChecks.AssertEagerMatchesFiniteDifferences(a, x, (int[])targets);
        else GradientChecks.AssertEagerMatchesFiniteDifferences((ITrainableNetwork<float>)net, x, (float[])targets);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void CompiledMatchesFiniteDifferences(string name)
    {
        var (net, x, targets) = Case(name);
        if (net is ITrainableNetwork<int> a) GradientChecks.AssertCompiledMatchesFiniteDifferences(a, x, (int[])targets);
        else GradientChecks.AssertCompiledMatchesFiniteDifferences((ITrainableNetwork<float>)net, x, (float[])targets);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void SmallerBatchesReuseTheArena(string name)
    {
        // A batch below capacity must give the same per-sample results as the same samples alone.
        var (net, x, targets) = Case(name);
        var network = (INetwork)net;
        var all = new float[Batch * network.OutputSize];
        network.Forward(x, all);
        var first = new float[2 * network.OutputSize];
        network.Forward(x.AsSpan(0, 2 * network.InputSize), first);
        Assert.Equal(all.AsSpan(0, first.Length).ToArray(), first);
    }
}
