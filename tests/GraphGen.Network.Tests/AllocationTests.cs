using GraphGen.Examples.CharTransformer;
using GraphGen.Examples.Digits;
using GraphGen.Examples.FashionResNet;
using GraphGen.Examples.LeNet;

namespace GraphGen.Network.Tests;

/// <summary>Forward and TrainStep allocate nothing on the managed heap once warmed up: every buffer is planned at compile time.</summary>
public class AllocationTests
{
    /// <summary>Bytes allocated on this thread by <paramref name="repeats"/> calls after two warm-up calls (see <see cref="GraphGen.Tests.Allocations.InQuietestWindow"/>).</summary>
    private static long AllocatedBy(Action action, int repeats)
    {
        action(); // warm-up: JIT, lazily created kernel workspaces, optimizer state
        action();
        return GraphGen.Tests.Allocations.InQuietestWindow(() => { for (int i = 0; i < repeats; i++) action(); });
    }

    [Fact]
    public unsafe void ParametersGradientsAndActivationsStartOnACacheLine()
    {
        // The memory plan's buffers start at offset × capacity inside the arena; with a capacity
        // that is a multiple of 16 every buffer is then 64-byte aligned, like the arena itself.
        var net = new DigitsMlp(batchCapacity: 32, seed: 1);
        net.Forward(new float[32 * 64], new float[32 * 10]);
        fixed (float* parameters = net.Parameters, gradients = net.Gradients, output = net.LastOutput)
        {
            Assert.Equal(0, (long)parameters % 64);
            Assert.Equal(0, (long)gradients % 64);
            Assert.Equal(0, (long)output % 64);
        }
    }

    [Fact]
    public void TrainStepAndForwardAllocateNothing()
    {
        var net = new DigitsMlp(batchCapacity: 32, seed: 1);
        var optimizer = new AdamW(1e-3f);
        var x = GradientChecks.RandomInputs(32 * 64, 1, 0, 1);
        var y = GradientChecks.RandomLabels(32, 10, 2);
        var output = new float[32 * 10];
        Assert.Equal(0, AllocatedBy(() => net.TrainStep(x, y, optimizer), 50));
        Assert.Equal(0, AllocatedBy(() => net.Forward(x, output), 50));
        Assert.Equal(0, AllocatedBy(() => net.ComputeLoss(x, y), 50));
    }

    [Fact]
    public void DagWithEveryOpAllocatesNothing()
    {
        var net = new ResidualDag(batchCapacity: 16, seed: 1);
        var optimizer = new Sgd(0.01f, momentum: 0.9f);
        var x = GradientChecks.RandomInputs(16 * ResidualDag.Layout.InputSize, 3);
        var y = GradientChecks.RandomLabels(16, 3, 4);
        Assert.Equal(0, AllocatedBy(() => net.TrainStep(x, y, optimizer), 50));
    }

    [Fact]
    public void ConvolutionAndTransformerStepsAllocateNothing()
    {
        // Batches large enough that pooling, activations, BatchNorm, LayerNorm and the head
        // permutes run on the worker pool, whose work items are kept per calling thread.
        var lenet = new LeNet5(batchCapacity: 32, seed: 1);
        var images = GradientChecks.RandomInputs(32 * LeNet5.Layout.InputSize, 5);
        var digits = GradientChecks.RandomLabels(32, 10, 6);
        var adam = new Adam(1e-3f);
        Assert.Equal(0, AllocatedBy(() => lenet.TrainStep(images, digits, adam), 3));

        var resnet = new ResNet(batchCapacity: 16, seed: 1);
        var clothes = GradientChecks.RandomLabels(16, 10, 7);
        var resnetAdam = new Adam(1e-3f);
        Assert.Equal(0, AllocatedBy(() => resnet.TrainStep(images.AsSpan(0, 16 * ResNet.Layout.InputSize), clothes, resnetAdam), 3));

        var gpt = new TinyGpt(batchCapacity: 8, seed: 1);
        var ids = GradientChecks.RandomLabels(8 * TinyGpt.Context, TinyGpt.Vocabulary, 8).Select(i => (float)i).ToArray();
        var next = GradientChecks.RandomLabels(8 * TinyGpt.Context, TinyGpt.Vocabulary, 9);
        var adamW = new AdamW(1e-3f);
        Assert.Equal(0, AllocatedBy(() => gpt.TrainStep(ids, next, adamW), 3));
    }
}
