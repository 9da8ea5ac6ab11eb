using GraphGen.Examples.Digits;

namespace GraphGen.Network.Tests;

/// <summary>
/// A network instance owns one arena of activations, so it serves one call at a time. A call that
/// starts while another runs must throw, naming the network, instead of mixing two batches in one
/// arena (which gave wrong outputs with no error before the guard).
/// </summary>
public class ConcurrentUseTests
{
    /// <summary>Holds the first call inside its forward pass until released.</summary>
    private sealed class BlockingObserver : IActivationObserver
    {
        public readonly ManualResetEventSlim Entered = new(), Release = new();

        public void Observe(TensorInfo tensor, ReadOnlySpan<float> values, int batch)
        {
            Entered.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task ASecondCallDuringAForwardPassThrowsAndNamesTheNetwork()
    {
        var net = new DigitsMlp(batchCapacity: 4, seed: 1);
        var x = GradientChecks.RandomInputs(4 * 64, 5);
        var observer = new BlockingObserver();
        var first = Task.Run(() => net.Forward(x, new float[40], observer));
        Assert.True(observer.Entered.Wait(TimeSpan.FromSeconds(30)));
        var e = Assert.Throws<InvalidOperationException>(() => net.Forward(x, new float[40]));
        Assert.Contains("DigitsMlp is already running a call", e.Message);
        Assert.Contains("one instance per thread", e.Message);
        Assert.Throws<InvalidOperationException>(() => net.ComputeGradients(x, [1, 2, 3, 4]));
        Assert.Throws<InvalidOperationException>(() => net.TrainStep(x, [1, 2, 3, 4], new Sgd(0.1f)));
        observer.Release.Set();
        await first;

        // The guard is released: the network works again, with the same results as before.
        var after = new float[40];
        net.Forward(x, after);
        var fresh = new float[40];
        new DigitsMlp(batchCapacity: 4, seed: 1).Forward(x, fresh);
        Assert.Equal(fresh, after);
    }

    [Fact]
    public void AnObserverCallingBackIntoItsNetworkIsRefused()
    {
        var net = new DigitsMlp(batchCapacity: 4, seed: 1);
        var x = GradientChecks.RandomInputs(64, 6);
        var observer = new ReentrantObserver(net, x);
        net.Forward(x, new float[10], observer);
        Assert.NotNull(observer.Refusal);
        Assert.Contains("from its activation observer", observer.Refusal!.Message);
    }

    private sealed class ReentrantObserver(DigitsMlp net, float[] x) : IActivationObserver
    {
        public InvalidOperationException? Refusal { get; private set; }

        public void Observe(TensorInfo tensor, ReadOnlySpan<float> values, int batch)
        {
            if (Refusal is not null) return;
            try { net.Forward(x, new float[10]); }
            catch (InvalidOperationException e) { Refusal = e; }
        }
    }

    [Fact]
    public void CallsFromManyThreadsEitherThrowOrGiveTheSingleThreadedResult()
    {
        // Before the guard, equal batches from two threads gave 40-62 wrong outputs of 200,000 and no error.
        var net = new DigitsMlp(batchCapacity: 8, seed: 2);
        var reference = new DigitsMlp(batchCapacity: 8, seed: 2);
        var inputs = Enumerable.Range(0, 4).Select(i => GradientChecks.RandomInputs(8 * 64, 10 + (ulong)i)).ToArray();
        var expected = inputs.Select(x => { var y = new float[80]; reference.Forward(x, y); return y; }).ToArray();
        int refused = 0, served = 0;
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var y = new float[80];
            try
            {
                net.Forward(inputs[i % 4], y);
                Assert.Equal(expected[i % 4], y);
                Interlocked.Increment(ref served);
            }
            catch (InvalidOperationException)
            {
                Interlocked.Increment(ref refused);
            }
        });
        Assert.Equal(4000, refused + served);
        Assert.True(served > 0);
    }
}
