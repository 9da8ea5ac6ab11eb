namespace GraphGen.Gpu.Tests;

/// <summary>
/// <see cref="TinyCausalTransformer"/> on ILGPU's CPU accelerator against the CPU path: outputs,
/// loss, every gradient and Adam steps, with dropout active in training (the device draws the
/// CPU's masks, so training steps compare value for value), and the same bits on a second run.
/// </summary>
[Collection(DeviceCollection.Name)]
public class AttentionNetworkTests(DeviceFixture fixture)
{
    private const int Batch = 3;
    // Float on both sides in other orders (softmax exponentials, GEMM sums, GELU's tanh): relative 2e-5.
    private const double Tolerance = 2e-5;

    // The key projections' biases have gradients that are 0 in exact arithmetic (softmax ignores a
    // shift of a row of scores) and about 1e-11 in float, on one side or the other. Adam divides a
    // gradient that small by ε = 1e-8, so such a parameter moves by up to lr·g/ε ≈ 2e-5 per step on
    // one side only. 1e-4 is 1% of an Adam step (lr = 1e-2): a wrong gradient still shows.
    private const double ParameterTolerance = 1e-4;

    private static (float[] Ids, int[] Next) Batch0()
    {
        const int v = TinyCausalTransformer.Vocabulary, t = TinyCausalTransformer.Tokens;
        var labels = GradientChecks.RandomLabels(Batch * t, v, 21);
        var ids = labels.Select(l => (float)l).ToArray();
        var next = GradientChecks.RandomLabels(Batch * t, v, 22);
        next[2] = next[t + 4] = next[2 * t] = -1;   // padding: skipped by the loss
        return (ids, next);
    }

    [Fact]
    public void TransformerMatchesTheCpu()
    {
        var (ids, next) = Batch0();
        var cpu = new TinyCausalTransformer(batchCapacity: 4, seed: 3);
        var device = new TinyCausalTransformer(batchCapacity: 4, seed: 3);
        device.UseDevice(fixture.Device);
        DeviceAgreement.Check(cpu, device, ids, next, Batch, Tolerance, ParameterTolerance);
    }

    [Fact]
    public void TransformerRunsTwiceToTheSameBits()
    {
        var (ids, next) = Batch0();
        float[] Run()
        {
            var net = new TinyCausalTransformer(batchCapacity: 4, seed: 5);
            net.UseDevice(fixture.Device);
            var adam = new AdamW(1e-2f);
            float loss = net.TrainStep(ids, next, adam);
            return [loss, .. net.Parameters.ToArray(), .. net.Gradients.ToArray()];
        }
        Bits.Equal(Run(), Run(), "losses, parameters and gradients");
    }

    [Fact]
    public void ATokenOutsideTheVocabularyIsReportedByTheDevice()
    {
        var (ids, _) = Batch0();
        ids[7] = TinyCausalTransformer.Vocabulary;
        var cpu = new TinyCausalTransformer(batchCapacity: 4, seed: 3);
        var device = new TinyCausalTransformer(batchCapacity: 4, seed: 3);
        device.UseDevice(fixture.Device);
        var expected = Assert.Throws<ArgumentOutOfRangeException>(() => cpu.Forward(ids, new float[Batch * cpu.OutputSize]));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => device.Forward(ids, new float[Batch * device.OutputSize]));
        Assert.Contains("Embedding.Forward: ids[7] = 7 is not a token index (an integer in [0, 7))", e.Message);
        Assert.Equal(expected.Message, e.Message);
    }
}
