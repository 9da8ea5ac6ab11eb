using System.Reflection;
using GraphGen.Kernels;

namespace GraphGen.Network.Tests;

/// <summary>
/// Inference keeps the tensors between channels-last convolutions in channel blocks where the
/// machine has AVX-512 (the generated class's ChannelBlocked), and its output has the bits of the
/// planes' branch, which an attached observer runs; both match the eager interpreter, and training
/// (which never takes the blocked branch) still does.
/// </summary>
public class ChannelBlockInferenceTests
{
    [Fact]
    public void TheBlockedBranchRunsWhereTheKernelsDoAndGivesThePlanesBits()
    {
        bool blocked = (bool)typeof(ChannelBlockNet).GetField("ChannelBlocked", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        Assert.Equal(ChannelBlocks.Supported && Environment.GetEnvironmentVariable(ChannelBlocks.EnvironmentVariable) != "0", blocked);
        const int batch = 5;
        var names = ObservedInference.AssertSameBitsAsFused(new ChannelBlockNet(batchCapacity: batch, seed: 3),
            GradientChecks.RandomInputs(batch * ChannelBlockNet.Layout.InputSize, 4, -2, 3), GradientChecks.RandomLabels(batch, 3, 5), batch);
        // The observer sees the planes, never a blocked twin.
        Assert.DoesNotContain(names, name => name.EndsWith("Blocked", StringComparison.Ordinal));
    }

    [Fact]
    public void TrainingStillMatchesTheEagerInterpreter()
    {
        const int batch = 3;
        var net = new ChannelBlockNet(batchCapacity: batch, seed: 6);
        GradientChecks.AssertMatchesEager(net, GradientChecks.RandomInputs(batch * ChannelBlockNet.Layout.InputSize, 7), GradientChecks.RandomLabels(batch, 3, 8));
    }

    [Fact]
    public void ABatchSmallerThanTheCapacityGivesEachSampleItsOwnBits()
    {
        // The blocked buffers are sized per sample like every arena buffer: a batch of 2 in a network
        // built for 5 gives each sample the bits it has in the batch of 5.
        var net = new ChannelBlockNet(batchCapacity: 5, seed: 9);
        var x = GradientChecks.RandomInputs(5 * ChannelBlockNet.Layout.InputSize, 10);
        var all = new float[5 * net.OutputSize];
        net.Forward(x, all);
        var two = new float[2 * net.OutputSize];
        net.Forward(x.AsSpan(0, 2 * ChannelBlockNet.Layout.InputSize), two);
        Assert.Equal(all.Take(two.Length).Select(BitConverter.SingleToInt32Bits), two.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void InferenceBetweenTrainingStepsChangesNothing()
    {
        // The blocked twins share floats with buffers only training uses: an inference pass between
        // two gradient computations leaves the second one's bits as they were.
        const int batch = 4;
        var x = GradientChecks.RandomInputs(batch * ChannelBlockNet.Layout.InputSize, 11);
        var other = GradientChecks.RandomInputs(batch * ChannelBlockNet.Layout.InputSize, 12);
        var labels = GradientChecks.RandomLabels(batch, 3, 13);
        float[] Gradients(bool inferBetween)
        {
            var net = new ChannelBlockNet(batchCapacity: batch, seed: 14);
            net.ComputeGradients(x, labels);
            if (inferBetween) net.Forward(other, new float[batch * net.OutputSize]);
            net.ComputeGradients(x, labels);
            return net.Gradients.ToArray();
        }
        Assert.Equal(Gradients(false).Select(BitConverter.SingleToInt32Bits), Gradients(true).Select(BitConverter.SingleToInt32Bits));
    }
}
