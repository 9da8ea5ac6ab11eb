using GraphGen.Examples.Digits;

namespace GraphGen.Network.Tests;

/// <summary>Forward and TrainStep allocate nothing on the managed heap once warmed up: every buffer is planned at compile time.</summary>
public class AllocationTests
{
    private static long AllocatedBy(Action action, int repeats)
    {
        action(); // warm-up: JIT, lazily created kernel workspaces, optimizer state
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < repeats; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
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
        var x = GradientChecks.RandomInputs(16 * ResidualDag.InputSize, 3);
        var y = GradientChecks.RandomLabels(16, 3, 4);
        Assert.Equal(0, AllocatedBy(() => net.TrainStep(x, y, optimizer), 50));
    }
}
