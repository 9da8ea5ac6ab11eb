using GraphGen.Eager;

namespace GraphGen.Network.Tests;

/// <summary>EagerModel.FromNetwork: the documented way to run a compiled network's own source eagerly.</summary>
public class EagerModelFromNetworkTests
{
    [Fact]
    public void TheEagerModelContinuesFromTheCompiledNetworksParametersStateAndStep()
    {
        // Two training steps move the parameters, the BatchNorm running statistics and the dropout step counter.
        var net = new NormNet(batchCapacity: 8, seed: 4);
        var x = GradientChecks.RandomInputs(8 * NormNet.Layout.InputSize, 2);
        var y = GradientChecks.RandomLabels(8, 3, 3);
        var optimizer = new Sgd(0.1f);
        net.TrainStep(x, y, optimizer);
        net.TrainStep(x, y, optimizer);

        var eager = EagerModel.FromNetwork(net, seed: 4);
        Assert.Equal(2, eager.TrainingSteps);
        foreach (var p in NormNet.Layout.State.Parameters)
            GradientChecks.AssertAllClose(eager.State[p.Name], net.State.Slice(p.Offset, p.Count), 1e-7, p.Name);

        // Inference (running statistics), then a training pass that draws the third dropout mask in both.
        var output = new float[8 * 3];
        net.Forward(x, output);
        GradientChecks.AssertAllClose(eager.Forward(x).Data, output, 1e-4, "inference output");
        float compiledLoss = net.ComputeGradients(x, y);
        GradientChecks.AssertClose(eager.ComputeGradients(x, y).Loss, compiledLoss, 1e-4, "training loss at step 3");
        foreach (var p in NormNet.Layout.Parameters.Parameters)
            GradientChecks.AssertAllClose(eager.Parameters[p.Name].Grad, net.Gradients.Slice(p.Offset, p.Count), 1e-3, "d" + p.Name);
    }

    [Fact]
    public void TheEagerModelOwnsACopy()
    {
        var net = new NormNet(batchCapacity: 2, seed: 1);
        var eager = EagerModel.FromNetwork(net, seed: 1);
        float before = net.Parameters[0];
        eager.Parameters["fc1.weight"].Data[0] += 1;
        Assert.Equal(before, net.Parameters[0]);
    }

    [Fact]
    public void ANetworkTheGeneratorDidNotWriteIsRefusedWithTheReason()
    {
        var error = Assert.Throws<ArgumentException>(() => EagerModel.FromNetwork(new HandWrittenNetwork()));
        Assert.StartsWith("HandWrittenNetwork does not implement IEagerNetwork: only [Network] classes compiled by the GraphGen generator can run eagerly.", error.Message);
    }

    private sealed class HandWrittenNetwork : INetwork
    {
        public string Name => "HandWritten";
        public int InputSize => 1;
        public int OutputSize => 1;
        public int BatchCapacity => 1;
        public ParameterTable ParameterTable => ParameterTable.Empty;
        public Span<float> Parameters => [];
        public bool CheckFinite { get; set; }
        public void Forward(ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
    }
}
